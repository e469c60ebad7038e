// @ts-check
const SVG = 'http://www.w3.org/2000/svg';

/**
 * A small line of the last values (lag over the last samples), scaled to its own maximum.
 * @param {readonly number[]} values
 * @param {string} label what the line shows, for screen readers and the tooltip
 * @returns {SVGSVGElement}
 */
export function sparkline(values, label) {
  const width = 90;
  const height = 22;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('class', 'trend');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  const title = document.createElementNS(SVG, 'title');
  title.textContent = label;
  svg.appendChild(title);
  if (values.length > 1) {
    const max = Math.max(1, ...values);
    const step = width / (values.length - 1);
    const points = values.map(
      (v, i) => `${(i * step).toFixed(1)},${(height - 2 - (v / max) * (height - 4)).toFixed(1)}`,
    );
    const line = document.createElementNS(SVG, 'polyline');
    line.setAttribute('points', points.join(' '));
    svg.appendChild(line);
  }
  return svg;
}
