/** The app's version, written into every export's provenance (the app and the CLI alike). */
export const APP_VERSION = '0.1.0';
