// Colours cross into and out of Word only as colours: on export through safeColor (a style
// value that is not a colour never reaches the file), on import as a hex the schema re-checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { colorRuns, colorSpans } from './colors.js';
import { wordColor } from './runs.js';

test('wordColor writes colours as Word hex and drops what is not a colour', () => {
  const cases: Array<[unknown, string | undefined]> = [
    ['#f00', 'FF0000'],
    ['#12ab34', '12AB34'],
    ['#12ab34cc', '12AB34'],
    ['rgb(255, 0, 10)', 'FF000A'],
    ['rgba(100%, 0%, 50%, 0.5)', 'FF0080'],
    ['navy', '000080'],
    ['papayawhip', undefined], // a colour, but not one Word is told of
    ['red; position: fixed', undefined],
    ['expression(alert(1))', undefined],
    [42, undefined],
  ];
  for (const [value, hex] of cases) assert.equal(wordColor(value), hex, String(value));
});

test('colorRuns gives coloured runs a matching run style, leaving styled runs and bad values alone', () => {
  const xml =
    '<w:r><w:rPr><w:color w:val="ff0000"/></w:rPr><w:t>red</w:t></w:r>' +
    '<w:r><w:rPr><w:rStyle w:val="Hyperlink"/><w:color w:val="0000FF"/></w:rPr><w:t>link</w:t></w:r>' +
    '<w:r><w:rPr><w:color w:val="auto"/></w:rPr><w:t>auto</w:t></w:r>';
  const { xml: out, styleMap } = colorRuns(xml);
  assert.match(out, /<w:rPr><w:rStyle w:val="TandemColorFF0000"\/><w:color w:val="ff0000"\/><\/w:rPr><w:t>red/);
  assert.match(out, /<w:rStyle w:val="Hyperlink"\/><w:color w:val="0000FF"\/>/);
  assert.deepEqual(styleMap, ["r.TandemColorFF0000 => span[data-color='FF0000']"]);
  assert.equal(colorSpans('<span data-color="FF0000">red</span>'), '<span style="color: #ff0000">red</span>');
  assert.equal(colorSpans('<span data-color="red; x">y</span>'), '<span data-color="red; x">y</span>');
});
