/** Font files are bundled as assets: importing one gives its URL (the builder's asset rule). */
declare module '*.ttf' {
  const url: string;
  export default url;
}
