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
import { premoveTargets, premoveUci } from "./premove.js"

const LAST_MOVE = { class: "marker-last-move", slice: "markerSquare" }
const CHECK = { class: "marker-check", slice: "markerCircle" }
const PREMOVE = { class: "marker-premove", slice: "markerSquare" }
const CIRCLE = { class: "marker-annotation", slice: "markerCircle" }
const DRAWN = ARROW_TYPE.success // the player's own arrows; the engine's are ARROW_TYPE.info
const ASSETS = new URL("../vendor/cm-chessboard/assets/", import.meta.url).href

const side = (colour) => (colour === "black" ? COLOR.black : COLOR.white)

export class Board {
  /**
   * `onMove(uci)` is called with a move the local check accepted, `onPremove(uci)` with a
   * premove made while the opponent is to move, and `onPremoveCancel()` when the player
   * drops it (a click on the board, or a right-click).
   */
  constructor(element, { onMove = () => {}, onRejected = () => {}, onPremove = () => {}, onPremoveCancel = () => {} } = {}) {
    this.element = element
    this.onMove = onMove
    this.onRejected = onRejected
    this.onPremove = onPremove
    this.onPremoveCancel = onPremoveCancel
    this.premoving = false
    this.premove = null
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
    this.element.dataset.premove = ""
    this.element.dataset.annotations = ""
    this.drawFrom = null
    this.listen()
  }

  // Right-click (or Shift+click) draws: a drag from one square to another toggles an arrow,
  // a click on one square a circle; a left click clears them. They stay in this page.
  listen() {
    const squareAt = (e) => document.elementFromPoint(e.clientX, e.clientY)?.closest("[data-square]")?.getAttribute("data-square") || null
    this.onContextMenu = (e) => e.preventDefault()
    this.onMouseDown = (e) => {
      const drawing = e.button === 2 || (e.button === 0 && e.shiftKey)
      if (this.premove) {
        this.clearPremove()
        this.onPremoveCancel()
      }
      if (drawing) {
        e.preventDefault()
        e.stopPropagation()
        this.drawFrom = squareAt(e)
      } else if (e.button === 0) {
        this.clearAnnotations()
      }
    }
    this.onMouseUp = (e) => {
      const from = this.drawFrom
      this.drawFrom = null
      const to = from && squareAt(e)
      if (!to) return
      if (from === to) {
        if (this.board.getMarkers(CIRCLE, to).length) this.board.removeMarkers(CIRCLE, to)
        else this.board.addMarker(CIRCLE, to)
      } else if (this.board.getArrows(DRAWN, from, to).length) {
        this.board.removeArrows(DRAWN, from, to)
      } else {
        this.board.addArrow(DRAWN, from, to)
      }
      this.markAnnotations()
    }
    this.element.addEventListener("contextmenu", this.onContextMenu)
    this.element.addEventListener("mousedown", this.onMouseDown, true)
    this.element.addEventListener("touchstart", (e) => this.onMouseDown({ button: 0, shiftKey: false, target: e.target }), { capture: true, passive: true })
    addEventListener("mouseup", this.onMouseUp)
  }

  clearAnnotations() {
    if (!this.element.dataset.annotations) return
    this.board.removeMarkers(CIRCLE)
    this.board.removeArrows(DRAWN)
    this.markAnnotations()
  }

  markAnnotations() {
    const arrows = this.board.getArrows(DRAWN).map((a) => a.from + a.to)
    const circles = this.board.getMarkers(CIRCLE).map((m) => m.square)
    this.element.dataset.annotations = [...arrows, ...circles].join(" ")
  }

  /** Show `uci` as the queued premove. */
  setPremove(uci) {
    this.clearPremove()
    this.premove = uci
    const { from, to } = parseUci(uci)
    this.board.addMarker(PREMOVE, from)
    this.board.addMarker(PREMOVE, to)
    this.element.dataset.premove = uci
  }

  clearPremove() {
    this.premove = null
    this.board.removeMarkers(PREMOVE)
    this.element.dataset.premove = ""
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
    this.board.removeArrows(ARROW_TYPE.info)
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

  /**
   * Let `colour` move, choosing among `legalMoves`; `null` disables input. With `premove`,
   * it is the opponent's turn and a move made is a premove, by piece movement alone.
   */
  allow(colour, legalMoves, { premove = false } = {}) {
    this.legalMoves = legalMoves || []
    this.premoving = Boolean(colour && premove)
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
        const targets = this.premoving ? premoveTargets(this.fen, event.squareFrom, this.inputColour) : targetsFrom(this.legalMoves, event.squareFrom)
        for (const to of targets) this.board.addMarker(this.board.getPiece(to) ? MARKER_TYPE.bevel : MARKER_TYPE.dot, to)
        return targets.length > 0
      }
      case INPUT_EVENT_TYPE.validateMoveInput:
        // The board takes no input until a move's own slide has finished, so a player who
        // answers an instant reply would lose the click: a confirmed move lands at once.
        event.animate = false
        if (this.premoving) return this.queuePremove(event.squareFrom, event.squareTo)
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

  // The pieces stay where they are; the premove shows as its two squares.
  queuePremove(from, to) {
    const uci = premoveUci(this.fen, from, to, this.inputColour)
    if (uci) {
      this.setPremove(uci)
      this.onPremove(uci)
    }
    return false
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
    removeEventListener("mouseup", this.onMouseUp)
    this.board.destroy()
  }
}
