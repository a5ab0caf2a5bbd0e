// Video-call grid: the column count that gives n tiles of a fixed aspect the largest size
// inside the available box.

export interface GridFit {
  cols: number;
  width: number;
  height: number;
}

export function fitGrid(n: number, boxW: number, boxH: number, aspect = 16 / 9, gap = 12): GridFit {
  const count = Math.max(1, n);
  let best: GridFit = { cols: 1, width: 0, height: 0 };
  for (let cols = 1; cols <= count; cols++) {
    const rows = Math.ceil(count / cols);
    const cellW = (boxW - gap * (cols - 1)) / cols;
    const cellH = (boxH - gap * (rows - 1)) / rows;
    const width = Math.min(cellW, cellH * aspect);
    if (width > best.width) best = { cols, width, height: width / aspect };
  }
  return { cols: best.cols, width: Math.floor(Math.max(0, best.width)), height: Math.floor(Math.max(0, best.height)) };
}
