import { describe, expect, it } from "vitest";
import { fitGrid } from "./layout";

describe("fitGrid", () => {
  it("gives one tile the whole box at its aspect", () => {
    expect(fitGrid(1, 1600, 900, 16 / 9, 0)).toEqual({ cols: 1, width: 1600, height: 900 });
    // A tall box: the width bounds the tile.
    expect(fitGrid(1, 800, 900, 16 / 9, 0)).toEqual({ cols: 1, width: 800, height: 450 });
  });

  it("puts two tiles side by side in a wide box and stacked in a tall one", () => {
    expect(fitGrid(2, 1600, 450, 16 / 9, 0).cols).toBe(2);
    expect(fitGrid(2, 800, 1200, 16 / 9, 0).cols).toBe(1);
  });

  it("takes the gaps out of the space", () => {
    const fit = fitGrid(2, 1612, 900, 16 / 9, 12);
    expect(fit).toEqual({ cols: 2, width: 800, height: 450 });
  });

  it("never answers a negative size or zero columns", () => {
    expect(fitGrid(0, 10, 10)).toMatchObject({ cols: 1 });
    const tiny = fitGrid(4, 5, 5);
    expect(tiny.width).toBeGreaterThanOrEqual(0);
    expect(tiny.height).toBeGreaterThanOrEqual(0);
  });
});
