/** Saves a blob as a file the browser downloads. */
export const downloadBlob = (name: string, blob: Blob) => {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = name;
  link.click();
  URL.revokeObjectURL(link.href);
};

/** Saves text as a file the browser downloads. */
export const download = (name: string, text: string, type: string) => downloadBlob(name, new Blob([text], { type }));
