// Bundles the npm code the client imports and copies the assets it loads at run time into
// src/chesschat/web/static/vendor/ (generated, not committed). Run by the package build.
import { build } from "esbuild"
import { cpSync, mkdirSync, rmSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const here = dirname(fileURLToPath(import.meta.url))
const out = join(here, "..", "src", "chesschat", "web", "static", "vendor")
const board = join(here, "node_modules", "cm-chessboard")
const chime = join(here, "node_modules", "amazon-chime-sdk-js")
const common = { bundle: true, format: "esm", minify: true, target: "es2020", legalComments: "eof", logLevel: "warning" }

rmSync(out, { recursive: true, force: true })
await build({ ...common, entryPoints: [join(here, "entry.js")], outfile: join(out, "chessboard.js") })
// The Chime SDK is CommonJS written for bundlers: it reads `global`, and its AWS SDK
// dependencies have browser builds under "module"/"browser" that esbuild skips for a
// require() unless the main fields are given. Loaded only when a room's video is Chime.
await build({
  ...common,
  entryPoints: [join(here, "chime-entry.js")],
  outfile: join(out, "chime.js"),
  define: { global: "globalThis" },
  mainFields: ["browser", "module", "main"],
})
const assets = [
  "chessboard.css",
  "pieces/standard.svg",
  "pieces/staunty.svg",
  "extensions/markers/markers.css",
  "extensions/markers/markers.svg",
  "extensions/arrows/arrows.css",
  "extensions/arrows/arrows.svg",
  "extensions/promotion-dialog/promotion-dialog.css",
]
for (const asset of assets) {
  const target = join(out, "cm-chessboard", "assets", asset)
  mkdirSync(dirname(target), { recursive: true })
  cpSync(join(board, "assets", asset), target)
}
cpSync(join(board, "LICENSE"), join(out, "cm-chessboard", "LICENSE"))
for (const notice of ["LICENSE", "NOTICE"]) cpSync(join(chime, notice), join(out, "amazon-chime-sdk-js", notice))
