/** Set at build time by vite.config.ts (`define`). */
declare const __APP_VERSION__: string;
/** When this build was made (ISO time). */
declare const __APP_BUILT__: string;
