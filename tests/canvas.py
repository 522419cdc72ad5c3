"""What a chart drew, read in the browser: ``page.evaluate(CANVAS_PIXELS, "#chart-id")`` gives the
share of the canvas's pixels that are painted (neither transparent nor white), how many colours they
use, and the canvas's width on screen — so a test can tell a drawn chart from an empty frame."""

CANVAS_PIXELS = """(selector) => {
  const canvas = document.querySelector(selector + ' canvas');
  if (!canvas) return {painted: 0, colours: 0, width: 0};
  const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  const colours = new Set();
  let painted = 0;
  for (let i = 0; i < pixels.length; i += 4) {
    const [r, g, b, a] = [pixels[i], pixels[i + 1], pixels[i + 2], pixels[i + 3]];
    if (a === 0 || (r > 250 && g > 250 && b > 250)) continue;
    painted += 1;
    colours.add((r << 16) | (g << 8) | b);
  }
  return {painted: painted / (pixels.length / 4), colours: colours.size, width: canvas.getBoundingClientRect().width};
}"""
