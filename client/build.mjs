// Bundles the npm code the client imports and copies the assets it loads at run time into
// src/chesschat/web/static/vendor/ (generated, not committed). Run by the package build.
import { build } from "esbuild"
import { cpSync, mkdirSync, rmSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const here = dirname(fileURLToPath(import.meta.url))
const out = join(here, "..", "src", "chesschat", "web", "static", "vendor")
const board = join(here, "node_modules", "cm-chessboard")

rmSync(out, { recursive: true, force: true })
await build({
  entryPoints: [join(here, "entry.js")],
  bundle: true,
  format: "esm",
  minify: true,
  target: "es2020",
  legalComments: "eof",
  outfile: join(out, "chessboard.js"),
  logLevel: "warning",
})
const assets = [
  "chessboard.css",
  "pieces/standard.svg",
  "pieces/staunty.svg",
  "extensions/markers/markers.css",
  "extensions/markers/markers.svg",
  "extensions/promotion-dialog/promotion-dialog.css",
]
for (const asset of assets) {
  const target = join(out, "cm-chessboard", "assets", asset)
  mkdirSync(dirname(target), { recursive: true })
  cpSync(join(board, "assets", asset), target)
}
cpSync(join(board, "LICENSE"), join(out, "cm-chessboard", "LICENSE"))
