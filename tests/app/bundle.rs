//! The installers. `make test` runs `scripts/bundle --debug` before the tests, which leaves a
//! .deb and an .rpm of the dev build next to it; these tests open them as a package manager
//! would and run the unpacked app to see that it loads the media engine it ships.

use std::path::{Path, PathBuf};
use std::process::Command;

use viva_testkit::workspace_bin;

fn bundle(kind: &str) -> PathBuf {
    let dir = workspace_bin("viva")
        .parent()
        .expect("the target dir")
        .join("bundle")
        .join(kind);
    std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e} (run scripts/bundle --debug)", dir.display()))
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == kind))
        .unwrap_or_else(|| {
            panic!(
                "no .{kind} in {} (run scripts/bundle --debug)",
                dir.display()
            )
        })
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().expect("the tool runs");
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

fn sha256(path: &Path) -> String {
    run(Command::new("sha256sum").arg(path))
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned()
}

/// The LiveKit library the bootstrap unpacked (what the bundle must carry, byte for byte).
fn cached_ffi() -> PathBuf {
    let cache = std::env::var("VIVA_CACHE_DIR").expect("make test sets VIVA_CACHE_DIR");
    Path::new(&cache)
        .join(viva_media::FFI_DIR_NAME)
        .join("liblivekit_ffi.so")
}

#[test]
fn the_deb_installs_the_app_its_engine_and_the_link_handler() {
    let deb = bundle("deb");
    let fields = run(Command::new("dpkg-deb")
        .args(["-f"])
        .arg(&deb)
        .args(["Package", "Version", "Depends"]));
    assert!(fields.contains("Version: 0.1.0"), "{fields}");
    // xz, as Debian's own packages: gzip put the release package over its size budget.
    let members = run(Command::new("ar").arg("t").arg(&deb));
    assert!(members.lines().any(|m| m == "data.tar.xz"), "{members}");
    // Camera and screen capture run on the system's GStreamer and its base/good plugins.
    for dep in [
        "libwebkit2gtk-4.1-0",
        "libgtk-3-0",
        "libpulse0",
        "gstreamer1.0-plugins-base",
        "gstreamer1.0-plugins-good",
    ] {
        assert!(fields.contains(dep), "depends on {dep}: {fields}");
    }

    let root = tempfile::tempdir().unwrap();
    run(Command::new("dpkg-deb")
        .arg("-x")
        .arg(&deb)
        .arg(root.path()));
    let app = root.path().join("usr/bin/viva");
    assert!(app.is_file(), "the app binary");
    let lib_dir = root.path().join("usr/lib/Viva");
    let ffi = lib_dir.join("liblivekit_ffi.so");
    assert_eq!(
        sha256(&ffi),
        sha256(&cached_ffi()),
        "the pinned LiveKit library"
    );
    let licence = std::fs::read_to_string(lib_dir.join("licenses/livekit-ffi-LICENSE.md"))
        .expect("LiveKit's licence ships with its library");
    assert!(licence.contains("Apache"), "{licence}");

    let desktop = std::fs::read_dir(root.path().join("usr/share/applications"))
        .expect("a desktop entry")
        .flatten()
        .find(|e| e.path().extension().is_some_and(|x| x == "desktop"))
        .expect("a .desktop file");
    let entry = std::fs::read_to_string(desktop.path()).unwrap();
    assert!(
        entry.contains("MimeType=x-scheme-handler/viva"),
        "the viva:// handler: {entry}"
    );
    // The desktop hands the clicked link to the app as its argument.
    assert!(entry.lines().any(|l| l == "Exec=viva %u"), "{entry}");

    // The unpacked app finds its resources beside it and loads the engine from there.
    let report: serde_json::Value = serde_json::from_str(
        run(Command::new(&app)
            .arg("--diagnose")
            .env("VIVA_LOG", "warn")
            .env("VIVA_FAKE_CAMERA", "ball"))
        .trim(),
    )
    .expect("--diagnose prints JSON");
    let canonical = lib_dir.canonicalize().unwrap();
    assert_eq!(
        report["resources"].as_str().map(PathBuf::from),
        Some(canonical.clone()),
        "{report}"
    );
    assert_eq!(
        report["media_library"].as_str().map(PathBuf::from),
        Some(canonical.join("liblivekit_ffi.so")),
        "{report}"
    );
    assert_eq!(report["media_engine"], "0.13.2", "{report}");
    // The installed app finds GStreamer and lists cameras (here the fake one).
    let cameras = report["cameras"]["Ok"].as_array().expect("a camera list");
    assert!(
        cameras.iter().any(|c| c["name"] == "Viva test camera"),
        "{report}"
    );
}

#[test]
fn the_rpm_carries_the_same_app_and_engine() {
    let rpm = bundle("rpm");
    let files = run(Command::new("rpm").args(["-qpl"]).arg(&rpm));
    for f in [
        "/usr/bin/viva",
        "/usr/lib/Viva/liblivekit_ffi.so",
        "/usr/lib/Viva/licenses/livekit-ffi-LICENSE.md",
    ] {
        assert!(files.lines().any(|l| l == f), "{f} in {files}");
    }
    assert!(
        files.lines().any(|l| l.ends_with(".desktop")),
        "a desktop entry in {files}"
    );
    let requires = run(Command::new("rpm").args(["-qp", "--requires"]).arg(&rpm));
    for dep in [
        "libwebkit2gtk-4.1.so.0",
        "libgtk-3.so.0",
        "pulseaudio-libs",
        "gstreamer1-plugins-good",
    ] {
        assert!(requires.contains(dep), "requires {dep}: {requires}");
    }
}
