/** Whether the text is JSON, and if not, what is wrong with it (the parser's message). */
export const checkJson = (text: string): string | undefined => {
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
};

/** A textarea for JSON, checked as it is typed: its status line says whether it is valid and why not. */
export const JsonEditor = ({
  id,
  label,
  value,
  onInput,
  rows = 8,
}: {
  id: string;
  label: string;
  value: string;
  onInput: (value: string) => void;
  rows?: number;
}) => {
  const invalid = checkJson(value);
  return (
    <div class="json-editor">
      <label>
        {label}
        <textarea
          class="code"
          rows={rows}
          value={value}
          onInput={(e) => onInput(e.currentTarget.value)}
          aria-invalid={invalid !== undefined}
          aria-describedby={`${id}-check`}
          spellcheck={false}
        />
      </label>
      <span id={`${id}-check`} class={invalid ? 'error check' : 'ok check'} role="status" aria-label={`${label} check`}>
        {invalid ? `Not valid JSON: ${invalid}` : 'Valid JSON'}
      </span>
    </div>
  );
};
