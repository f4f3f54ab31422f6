// Vite's client types (import.meta.env, CSS imports, `new URL(..., import.meta.url)` workers).
/// <reference types="vite/client" />
