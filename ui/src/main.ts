import { mount } from "svelte";
import App from "./App.svelte";
import { initVideoSurface } from "./lib/ipc/surface";
import "./app.css";

const target = document.getElementById("app");
if (!target) throw new Error("index.html lacks #app");

// Before mounting: video components choose between the native surface and the canvas.
void initVideoSurface().then(() => mount(App, { target }));
