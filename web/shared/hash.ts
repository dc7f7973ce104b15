import { useEffect, useState } from 'preact/hooks';

/** The page's hash without its `#`, updated as it changes: the route both apps read. */
export const useHash = (): string => {
  const read = () => location.hash.replace(/^#/, '');
  const [hash, setHash] = useState(read);
  useEffect(() => {
    const onChange = () => setHash(read());
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return hash;
};
