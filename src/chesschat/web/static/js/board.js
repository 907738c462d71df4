// The board: cm-chessboard (MIT, bundled from npm into /vendor) with drag and click input,
// legal-target hints from legalMoves, a promotion picker, last-move / check highlights, and
// one arrow (the engine's move in a review).
import {
  ARROW_TYPE,
  Arrows,
  COLOR,
  Chessboard,
  INPUT_EVENT_TYPE,
  MARKER_TYPE,
  Markers,
  PROMOTION_DIALOG_RESULT_TYPE,
  PromotionDialog,
} from "../vendor/chessboard.js"
import { checkMove, kingSquare, normalizeFen, parseUci, targetsFrom, withPromotion } from "./moves.js"

const LAST_MOVE = { class: "marker-last-move", slice: "markerSquare" }
const CHECK = { class: "marker-check", slice: "markerCircle" }
const ASSETS = new URL("../vendor/cm-chessboard/assets/", import.meta.url).href

const side = (colour) => (colour === "black" ? COLOR.black : COLOR.white)

export class Board {
  /** `onMove(uci)` is called with a move the local check accepted. */
  constructor(element, { onMove = () => {}, onRejected = () => {} } = {}) {
    this.element = element
    this.onMove = onMove
    this.onRejected = onRejected
    this.fen = normalizeFen("start")
    this.legalMoves = []
    this.inputColour = null
    this.board = new Chessboard(element, {
      position: this.fen,
      assetsUrl: ASSETS,
      style: { cssClass: "chesschat", showCoordinates: true, pieces: { file: "pieces/staunty.svg" }, animationDuration: 180 },
      extensions: [{ class: Markers, props: { autoMarkers: MARKER_TYPE.frame } }, { class: PromotionDialog }, { class: Arrows }],
    })
    this.element.dataset.fen = this.fen
    this.element.dataset.orientation = "white"
    this.colour = "white"
    this.turned = Promise.resolve()
    this.inputToken = 0
  }

  /** Show a position; `lastMove` (UCI) and `check` (colour in check, or null) are highlighted. */
  show(fen, { lastMove = null, check = null } = {}) {
    // Frames that change nothing on the board (clocks, presence, video) redraw the room;
    // the board is left alone then, so a piece the player has picked up stays picked up.
    // (A board showing anything else, e.g. a move the server has not confirmed, is redrawn.)
    const shown = `${normalizeFen(fen)}|${lastMove}|${check}`
    if (shown === this.shown && this.board.getPosition() === normalizeFen(fen).split(" ")[0]) return
    this.shown = shown
    this.fen = normalizeFen(fen)
    this.element.dataset.fen = this.fen
    this.board.setPosition(this.fen)
    this.board.removeMarkers(LAST_MOVE)
    this.board.removeMarkers(CHECK)
    if (lastMove) {
      const { from, to } = parseUci(lastMove)
      this.board.addMarker(LAST_MOVE, from)
      this.board.addMarker(LAST_MOVE, to)
    }
    const king = check ? kingSquare(this.fen, check) : null
    if (king) this.board.addMarker(CHECK, king)
  }

  /** An arrow from→to (squares), or none for null; `data-arrow` holds it ("f8e7", or ""). */
  arrow(squares) {
    this.board.removeArrows()
    if (squares) this.board.addArrow(ARROW_TYPE.info, squares.from, squares.to)
    this.element.dataset.arrow = squares ? squares.from + squares.to : ""
  }

  /** Put back the last position the server confirmed (after a refused or cancelled move). */
  revert() {
    this.board.setPosition(this.fen, false)
  }

  orientation() {
    return this.colour
  }

  setOrientation(colour) {
    if (colour === this.colour) return
    this.colour = colour
    // cm-chessboard turns the board a frame or two later, redrawing every square, and
    // ignores a turn asked for while one is under way: turns are chained, and input waits
    // for them, so a click never lands on a square that is about to be replaced.
    this.turned = this.turned.then(() => this.board.setOrientation(side(colour))).catch((e) => console.error(e))
    this.element.dataset.orientation = colour
    this.arm()
  }

  flip() {
    this.setOrientation(this.orientation() === "white" ? "black" : "white")
  }

  /** Let `colour` move, choosing among `legalMoves`; `null` disables input. */
  allow(colour, legalMoves) {
    this.legalMoves = legalMoves || []
    if (colour === this.inputColour && colour !== null) return
    this.inputColour = colour
    this.arm()
  }

  /** Input for `inputColour` once the board has finished turning; `data-input` says when. */
  arm() {
    const token = ++this.inputToken
    this.board.disableMoveInput()
    this.element.dataset.input = "none"
    const colour = this.inputColour
    if (!colour) return
    this.turned.then(() => {
      if (token !== this.inputToken) return
      this.board.enableMoveInput((event) => this.input(event), side(colour))
      this.element.dataset.input = colour
    })
  }

  input(event) {
    switch (event.type) {
      case INPUT_EVENT_TYPE.moveInputStarted: {
        const targets = targetsFrom(this.legalMoves, event.squareFrom)
        for (const to of targets) this.board.addMarker(this.board.getPiece(to) ? MARKER_TYPE.bevel : MARKER_TYPE.dot, to)
        return targets.length > 0
      }
      case INPUT_EVENT_TYPE.validateMoveInput:
        // The board takes no input until a move's own slide has finished, so a player who
        // answers an instant reply would lose the click: a confirmed move lands at once.
        event.animate = false
        return this.validate(event.squareFrom, event.squareTo)
      case INPUT_EVENT_TYPE.moveInputCanceled:
      case INPUT_EVENT_TYPE.moveInputFinished:
        this.board.removeMarkers(MARKER_TYPE.dot)
        this.board.removeMarkers(MARKER_TYPE.bevel)
        return true
      default:
        return true
    }
  }

  validate(from, to) {
    const verdict = checkMove(this.legalMoves, from, to)
    if (!verdict.ok) {
      const own = this.board.getPiece(to)
      const mover = this.inputColour === "black" ? "b" : "w"
      if (!own || own[0] !== mover) this.onRejected(from + to)
      return false
    }
    if (!verdict.promotion) {
      this.onMove(verdict.uci)
      return true
    }
    this.board.showPromotionDialog(to, side(this.inputColour), (result) => {
      if (result.type === PROMOTION_DIALOG_RESULT_TYPE.pieceSelected) {
        this.board.setPiece(to, result.piece, false)
        this.onMove(withPromotion(verdict.uci, result.piece))
      } else {
        this.revert()
      }
    })
    return true
  }

  destroy() {
    this.inputToken++
    this.board.destroy()
  }
}
