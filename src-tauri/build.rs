fn main() {
    // The root manifest is the app package, so capabilities live under src-tauri/ rather
    // than next to tauri.conf.json (see ../shared notes on Tauri layout).
    tauri_build::try_build(
        tauri_build::Attributes::new().capabilities_path_pattern("./src-tauri/capabilities/**/*"),
    )
    .expect("failed to run tauri-build");
}
