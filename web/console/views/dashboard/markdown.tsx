import type { ComponentChildren } from 'preact';

/** Inline markdown: **bold**, `code` and [links](url) (http/https only), the rest as text. */
const inline = (text: string): ComponentChildren[] =>
  text.split(/(\*\*[^*]+\*\*|`[^`]+`|\[[^\]]+\]\([^)]+\))/).map((part, i) => {
    if (/^\*\*.+\*\*$/.test(part)) return <strong key={i}>{part.slice(2, -2)}</strong>;
    if (/^`.+`$/.test(part)) return <code key={i}>{part.slice(1, -1)}</code>;
    const link = /^\[([^\]]+)\]\(([^)]+)\)$/.exec(part);
    if (link)
      return /^https?:\/\//.test(link[2]!) ? (
        <a key={i} href={link[2]} target="_blank" rel="noreferrer">
          {link[1]}
        </a>
      ) : (
        link[1]
      );
    return part;
  });

/** A text widget's markdown, as far as dashboards use it: headings, lists, paragraphs. Never raw HTML. */
export const Markdown = ({ text }: { text: string }) => (
  <div class="markdown">
    {text.split('\n').map((line, i) => {
      const heading = /^(#{1,4})\s+(.*)$/.exec(line);
      if (heading)
        return heading[1]!.length === 1 ? (
          <h4 key={i}>{inline(heading[2]!)}</h4>
        ) : (
          <h5 key={i}>{inline(heading[2]!)}</h5>
        );
      if (/^\s*[-*]\s+/.test(line)) return <li key={i}>{inline(line.replace(/^\s*[-*]\s+/, ''))}</li>;
      return line.trim() ? <p key={i}>{inline(line)}</p> : null;
    })}
  </div>
);
