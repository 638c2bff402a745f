// Viewer placeholder
