// The parts of cm-chessboard the client uses, bundled into static/vendor/chessboard.js.
export { Chessboard, COLOR, INPUT_EVENT_TYPE, BORDER_TYPE, FEN } from "cm-chessboard/src/Chessboard.js"
export { Markers, MARKER_TYPE } from "cm-chessboard/src/extensions/markers/Markers.js"
export { Arrows, ARROW_TYPE } from "cm-chessboard/src/extensions/arrows/Arrows.js"
export {
  PromotionDialog,
  PROMOTION_DIALOG_RESULT_TYPE,
} from "cm-chessboard/src/extensions/promotion-dialog/PromotionDialog.js"
