//! The painter: a handler that runs after WebKit has drawn the webview and paints the video
//! tiles over it with cairo, on GTK's thread. Painting after the page (not under a
//! transparent page) because WebKitGTK draws its backing store with cairo's SOURCE
//! operator: whatever lies under the webview is replaced, not blended.

use std::cell::RefCell;
use std::collections::HashMap;
use std::f64::consts::{FRAC_PI_2, PI};
use std::sync::Arc;

use gtk::cairo::{self, Context, Filter, Format, ImageSurface, SurfacePattern};
use gtk::glib;
use gtk::prelude::*;

use super::{Rect, Surface, VideoTile};

/// What the painter keeps on GTK's thread: the webview and each track's last picture as a
/// cairo surface (repainted when the page repaints under it).
struct Painter {
    view: webkit2gtk::WebView,
    surface: Surface,
    shown: HashMap<String, ImageSurface>,
}

thread_local! {
    static PAINTER: RefCell<Option<Painter>> = const { RefCell::new(None) };
}

/// Installs the painter on the window's webview.
pub fn attach<R: tauri::Runtime>(
    window: &tauri::WebviewWindow<R>,
    surface: Surface,
) -> tauri::Result<()> {
    window.with_webview(move |platform| {
        let view: webkit2gtk::WebView = platform.inner();
        // After the class handler: WebKit has painted the page for this clip.
        view.connect_local("draw", true, |args| {
            if let Some(Ok(cr)) = args.get(1).map(|a| a.get::<Context>()) {
                PAINTER.with(|p| {
                    if let Some(p) = p.borrow_mut().as_mut() {
                        p.paint(&cr);
                    }
                });
            }
            Some(false.to_value())
        });
        // Frames arrive on other threads; the wake-up runs here.
        surface.set_wake(Arc::new(|| {
            glib::MainContext::default().invoke(|| {
                PAINTER.with(|p| {
                    if let Some(p) = p.borrow().as_ref() {
                        p.woken();
                    }
                })
            });
        }));
        PAINTER.with(|p| {
            *p.borrow_mut() = Some(Painter {
                view,
                surface,
                shown: HashMap::new(),
            })
        });
    })
}

impl Painter {
    /// Asks GTK to repaint what changed; the paint comes with the next display refresh.
    fn woken(&self) {
        let (whole, rects) = self.surface.woken();
        if whole {
            self.view.queue_draw();
            return;
        }
        for r in rects {
            let (x, y) = (r.x.floor() as i32, r.y.floor() as i32);
            let (w, h) = ((r.x + r.w).ceil() as i32 - x, (r.y + r.h).ceil() as i32 - y);
            self.view.queue_draw_area(x, y, w, h);
        }
    }

    fn paint(&mut self, cr: &Context) {
        let Ok((x1, y1, x2, y2)) = cr.clip_extents() else {
            return;
        };
        let clip = Rect {
            x: x1,
            y: y1,
            w: x2 - x1,
            h: y2 - y1,
        };
        let (layout, fresh) = self.surface.take_for_paint(&clip);
        for (track, picture) in fresh {
            let (w, h) = (picture.width as i32, picture.height as i32);
            match ImageSurface::create_for_data(picture.bgra, Format::ARgb32, w, h, w * 4) {
                Ok(img) => {
                    self.shown.insert(track.clone(), img);
                }
                Err(e) => tracing::warn!(error = %e, "a video picture cannot be painted"),
            }
            self.surface.acknowledge(&track);
        }
        self.shown
            .retain(|track, _| layout.tiles.iter().any(|t| &t.track == track));
        for tile in layout.tiles.iter().filter(|t| t.rect.intersects(&clip)) {
            if layout.occluders.iter().any(|o| o.covers(&tile.rect)) {
                continue;
            }
            if let Some(img) = self.shown.get(&tile.track) {
                if let Err(e) = paint_tile(cr, tile, img, &layout.occluders) {
                    tracing::debug!(error = %e, "video tile not painted");
                }
            }
        }
    }
}

/// Paints `img` into `tile` (letterboxed on black, as `object-fit: contain`), leaving the
/// occluders to the page.
fn paint_tile(
    cr: &Context,
    tile: &VideoTile,
    img: &ImageSurface,
    occluders: &[Rect],
) -> Result<(), cairo::Error> {
    let r = tile.rect;
    cr.save()?;
    let c = tile.clip;
    cr.rectangle(c.x, c.y, c.w, c.h);
    cr.clip();
    rounded(cr, &r, tile.radius);
    cr.clip();
    // Holes for what the page draws over the video: even-odd around the tile's rectangle.
    cr.rectangle(r.x, r.y, r.w, r.h);
    for o in occluders.iter().filter(|o| o.intersects(&r)) {
        cr.rectangle(o.x, o.y, o.w, o.h);
    }
    cr.set_fill_rule(cairo::FillRule::EvenOdd);
    cr.clip();
    cr.set_source_rgb(0.0, 0.0, 0.0);
    cr.paint()?;
    let (pw, ph) = (img.width() as f64, img.height() as f64);
    let s = (r.w / pw).min(r.h / ph);
    cr.translate(r.x + r.w / 2.0, r.y + r.h / 2.0);
    cr.scale(if tile.mirror { -s } else { s }, s);
    cr.translate(-pw / 2.0, -ph / 2.0);
    let pattern = SurfacePattern::create(img);
    pattern.set_filter(Filter::Good);
    cr.set_source(&pattern)?;
    cr.rectangle(0.0, 0.0, pw, ph);
    cr.fill()?;
    cr.restore()
}

fn rounded(cr: &Context, r: &Rect, radius: f64) {
    let rad = radius.clamp(0.0, r.w.min(r.h) / 2.0);
    if rad <= 0.0 {
        cr.rectangle(r.x, r.y, r.w, r.h);
        return;
    }
    let (x, y, w, h) = (r.x, r.y, r.w, r.h);
    cr.new_sub_path();
    cr.arc(x + w - rad, y + rad, rad, -FRAC_PI_2, 0.0);
    cr.arc(x + w - rad, y + h - rad, rad, 0.0, FRAC_PI_2);
    cr.arc(x + rad, y + h - rad, rad, FRAC_PI_2, PI);
    cr.arc(x + rad, y + rad, rad, PI, 3.0 * FRAC_PI_2);
    cr.close_path();
}
