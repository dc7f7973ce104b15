import { download, downloadBlob } from '../download';
import type { GraphLayout } from './layout';

/** The graph as it is drawn (its stylesheet inside), at its full extent, as SVG text. */
const svgText = (svg: SVGSVGElement, layout: GraphLayout): string => {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  copy.setAttribute('viewBox', `0 0 ${layout.width} ${layout.height}`);
  copy.setAttribute('width', String(layout.width));
  copy.setAttribute('height', String(layout.height));
  return new XMLSerializer().serializeToString(copy);
};

export const exportSvg = (svg: SVGSVGElement, layout: GraphLayout, name: string) =>
  download(`${name}.svg`, svgText(svg, layout), 'image/svg+xml');

/** How many pixels a graph unit takes in the PNG: twice, for sharp text on any screen. */
const PNG_SCALE = 2;

/**
 * Saves the graph as a PNG: the exported SVG drawn onto a canvas (on white, at twice its size), then
 * the canvas's pixels. Resolves once the file is handed to the browser.
 */
export const exportPng = async (svg: SVGSVGElement, layout: GraphLayout, name: string): Promise<void> => {
  const url = URL.createObjectURL(new Blob([svgText(svg, layout)], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.ceil(layout.width * PNG_SCALE);
    canvas.height = Math.ceil(layout.height * PNG_SCALE);
    const context = canvas.getContext('2d');
    if (!context) throw new Error('The browser gives no 2D canvas');
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    const png = await new Promise<Blob | null>((done) => canvas.toBlob(done, 'image/png'));
    if (!png) throw new Error('The canvas could not be encoded as PNG');
    downloadBlob(`${name}.png`, png);
  } finally {
    URL.revokeObjectURL(url);
  }
};
