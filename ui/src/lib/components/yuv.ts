// Draws I420 frames onto a canvas: WebGL (three LUMINANCE textures, BT.601 limited range in
// the fragment shader, the matrix libwebrtc uses) with a 2D-canvas fallback in JavaScript.
import { chroma, type I420Frame } from "../ipc/frames";

export interface FrameRenderer {
  readonly kind: "webgl" | "2d";
  draw(frame: I420Frame): boolean;
  dispose(): void;
}

const VERTEX = `
attribute vec2 a_pos;
varying vec2 v_uv;
void main() {
  // Texture row 0 is the frame's top row.
  v_uv = vec2((a_pos.x + 1.0) * 0.5, (1.0 - a_pos.y) * 0.5);
  gl_Position = vec4(a_pos, 0.0, 1.0);
}`;

const FRAGMENT = `
precision mediump float;
varying vec2 v_uv;
uniform sampler2D u_y;
uniform sampler2D u_u;
uniform sampler2D u_v;
void main() {
  float y = 1.164 * (texture2D(u_y, v_uv).r - 16.0 / 255.0);
  float u = texture2D(u_u, v_uv).r - 128.0 / 255.0;
  float v = texture2D(u_v, v_uv).r - 128.0 / 255.0;
  gl_FragColor = vec4(
    clamp(y + 1.596 * v, 0.0, 1.0),
    clamp(y - 0.392 * u - 0.813 * v, 0.0, 1.0),
    clamp(y + 2.017 * u, 0.0, 1.0),
    1.0);
}`;

function compile(gl: WebGLRenderingContext, type: number, source: string): WebGLShader {
  const shader = gl.createShader(type);
  if (!shader) throw new Error("cannot create a shader");
  gl.shaderSource(shader, source);
  gl.compileShader(shader);
  if (!gl.getShaderParameter(shader, gl.COMPILE_STATUS)) {
    const log = gl.getShaderInfoLog(shader);
    gl.deleteShader(shader);
    throw new Error(`shader: ${log ?? "compile failed"}`);
  }
  return shader;
}

class WebGlRenderer implements FrameRenderer {
  readonly kind = "webgl";
  private readonly program: WebGLProgram;
  private readonly buffer: WebGLBuffer;
  private readonly textures: WebGLTexture[];
  private width = 0;
  private height = 0;
  private lost = false;
  /** The canvas's layout size in CSS pixels, kept by a ResizeObserver (no layout per frame). */
  private boxW = 0;
  private boxH = 0;
  private readonly resize = new ResizeObserver((entries) => {
    const box = entries[entries.length - 1].contentRect;
    this.boxW = box.width;
    this.boxH = box.height;
  });

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly gl: WebGLRenderingContext,
  ) {
    const vs = compile(gl, gl.VERTEX_SHADER, VERTEX);
    const fs = compile(gl, gl.FRAGMENT_SHADER, FRAGMENT);
    const program = gl.createProgram();
    if (!program) throw new Error("cannot create a program");
    gl.attachShader(program, vs);
    gl.attachShader(program, fs);
    gl.linkProgram(program);
    gl.deleteShader(vs);
    gl.deleteShader(fs);
    if (!gl.getProgramParameter(program, gl.LINK_STATUS)) {
      throw new Error(`program: ${gl.getProgramInfoLog(program) ?? "link failed"}`);
    }
    this.program = program;
    gl.useProgram(program);

    const buffer = gl.createBuffer();
    if (!buffer) throw new Error("cannot create a buffer");
    this.buffer = buffer;
    gl.bindBuffer(gl.ARRAY_BUFFER, buffer);
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, 1, 1]), gl.STATIC_DRAW);
    const pos = gl.getAttribLocation(program, "a_pos");
    gl.enableVertexAttribArray(pos);
    gl.vertexAttribPointer(pos, 2, gl.FLOAT, false, 0, 0);

    // Plane rows are tightly packed, whatever their width.
    gl.pixelStorei(gl.UNPACK_ALIGNMENT, 1);
    this.textures = ["u_y", "u_u", "u_v"].map((name, unit) => {
      const tex = gl.createTexture();
      if (!tex) throw new Error("cannot create a texture");
      gl.activeTexture(gl.TEXTURE0 + unit);
      gl.bindTexture(gl.TEXTURE_2D, tex);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.LINEAR);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.LINEAR);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
      gl.uniform1i(gl.getUniformLocation(program, name), unit);
      return tex;
    });
    canvas.addEventListener("webglcontextlost", this.onLost);
    this.resize.observe(canvas);
  }

  private onLost = (e: Event): void => {
    e.preventDefault();
    this.lost = true;
  };

  draw(frame: I420Frame): boolean {
    const { gl } = this;
    if (this.lost || gl.isContextLost()) return false;
    const { width: w, height: h, bytes, offset } = frame;
    const cw = chroma(w);
    const ch = chroma(h);
    const resized = w !== this.width || h !== this.height;
    if (resized) {
      this.width = w;
      this.height = h;
    }
    this.fitCanvas();
    const planes: [number, number, number][] = [
      [offset, w, h],
      [offset + w * h, cw, ch],
      [offset + w * h + cw * ch, cw, ch],
    ];
    planes.forEach(([start, pw, ph], unit) => {
      const data = bytes.subarray(start, start + pw * ph);
      gl.activeTexture(gl.TEXTURE0 + unit);
      gl.bindTexture(gl.TEXTURE_2D, this.textures[unit]);
      // Textures are allocated once per frame size; every other frame only fills them.
      if (resized) {
        gl.texImage2D(gl.TEXTURE_2D, 0, gl.LUMINANCE, pw, ph, 0, gl.LUMINANCE, gl.UNSIGNED_BYTE, data);
      } else {
        gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, 0, pw, ph, gl.LUMINANCE, gl.UNSIGNED_BYTE, data);
      }
    });
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    return true;
  }

  /**
   * Sizes the drawing buffer to the pixels the tile shows (the frame's aspect, never larger
   * than the frame): WebGL here is software (llvmpipe), and shading plus compositing a
   * 1280x720 buffer that the page then shrinks to a 600-pixel tile costs more than the
   * upload. Until the canvas has a layout size, the frame's own size is used.
   */
  private fitCanvas(): void {
    const { width: w, height: h, canvas } = this;
    const dpr = window.devicePixelRatio || 1;
    const boxW = this.boxW * dpr;
    const boxH = this.boxH * dpr;
    const scale = boxW > 0 && boxH > 0 ? Math.min(1, boxW / w, boxH / h) : 1;
    const bw = Math.max(1, Math.round(w * scale));
    const bh = Math.max(1, Math.round(h * scale));
    if (canvas.width !== bw || canvas.height !== bh) {
      canvas.width = bw;
      canvas.height = bh;
      this.gl.viewport(0, 0, bw, bh);
    }
  }

  dispose(): void {
    const { gl } = this;
    this.canvas.removeEventListener("webglcontextlost", this.onLost);
    this.resize.disconnect();
    if (!gl.isContextLost()) {
      for (const t of this.textures) gl.deleteTexture(t);
      gl.deleteBuffer(this.buffer);
      gl.deleteProgram(this.program);
    }
    // Browsers cap live WebGL contexts per page; give this one back now, not at GC.
    gl.getExtension("WEBGL_lose_context")?.loseContext();
  }
}

/** Slow but dependable: only used when the webview offers no WebGL. */
class CanvasRenderer implements FrameRenderer {
  readonly kind = "2d";
  private image: ImageData | null = null;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly ctx: CanvasRenderingContext2D,
  ) {}

  draw(frame: I420Frame): boolean {
    const { width: w, height: h, bytes, offset } = frame;
    if (!this.image || this.image.width !== w || this.image.height !== h) {
      this.canvas.width = w;
      this.canvas.height = h;
      this.image = this.ctx.createImageData(w, h);
    }
    const out = this.image.data;
    const cw = chroma(w);
    const uAt = offset + w * h;
    const vAt = uAt + cw * chroma(h);
    for (let row = 0; row < h; row++) {
      const crow = (row >> 1) * cw;
      for (let col = 0; col < w; col++) {
        const c = 1.164 * (bytes[offset + row * w + col] - 16);
        const d = bytes[uAt + crow + (col >> 1)] - 128;
        const e = bytes[vAt + crow + (col >> 1)] - 128;
        const o = (row * w + col) * 4;
        out[o] = c + 1.596 * e;
        out[o + 1] = c - 0.392 * d - 0.813 * e;
        out[o + 2] = c + 2.017 * d;
        out[o + 3] = 255;
      }
    }
    this.ctx.putImageData(this.image, 0, 0);
    return true;
  }

  dispose(): void {
    this.image = null;
  }
}

export function createRenderer(canvas: HTMLCanvasElement): FrameRenderer | null {
  // preserveDrawingBuffer keeps the last frame readable (tests read pixels back).
  const gl = canvas.getContext("webgl", {
    preserveDrawingBuffer: true,
    alpha: false,
    antialias: false,
    depth: false,
    stencil: false,
    powerPreference: "low-power",
  });
  if (gl) {
    try {
      return new WebGlRenderer(canvas, gl);
    } catch (e) {
      console.warn("WebGL renderer unavailable", e);
      return null; // a canvas with a WebGL context cannot also give a 2D one
    }
  }
  const ctx = canvas.getContext("2d");
  return ctx ? new CanvasRenderer(canvas, ctx) : null;
}
