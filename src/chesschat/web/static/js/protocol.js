// The wire protocol's tags and error catalogue, mirrored from the server's protocol package
// as it publishes them at /api/protocol (its frame classes' tags and catalogue.CATALOGUE).
// A test keeps them equal to what a running server publishes.

export const CLIENT = Object.freeze({
  HEARTBEAT: "heartbeat",
  CREATE_ROOM: "create_room",
  JOIN_ROOM: "join_room",
  LEAVE_ROOM: "leave_room",
  START_GAME: "start_game",
  MAKE_MOVE: "make_move",
  RESIGN: "resign",
  REQUEST_TAKEBACK: "request_takeback",
  ACCEPT_TAKEBACK: "accept_takeback",
  DECLINE_TAKEBACK: "decline_takeback",
  OFFER_DRAW: "offer_draw",
  ACCEPT_DRAW: "accept_draw",
  DECLINE_DRAW: "decline_draw",
  CANCEL_DRAW: "cancel_draw",
  ABORT: "abort",
  OFFER_REMATCH: "offer_rematch",
  ACCEPT_REMATCH: "accept_rematch",
  DECLINE_REMATCH: "decline_rematch",
  SIGNAL: "signal",
  CHAT: "chat",
  VIDEO_REFRESH: "video_refresh",
  WATCH_ROOM: "watch_room",
  SET_WATCHING: "set_watching",
})

export const SERVER = Object.freeze({
  ROOM_JOINED: "room_joined",
  ROOM_LEFT: "room_left",
  ROOM_CLOSED: "room_closed",
  PARTICIPANT_JOINED: "participant_joined",
  PARTICIPANT_LEFT: "participant_left",
  RECONNECT_STATE: "reconnect_state",
  GAME_STARTED: "game_started",
  MOVE_MADE: "move_made",
  TAKEBACK_APPLIED: "takeback_applied",
  TAKEBACK_REQUESTED: "takeback_requested",
  TAKEBACK_DECLINED: "takeback_declined",
  DRAW_OFFER_PENDING: "draw_offer_pending",
  DRAW_OFFER_STATE: "draw_offer_state",
  DRAW_DECLINED: "draw_declined",
  DRAW_ACCEPTED: "draw_accepted",
  REMATCH_OFFERED: "rematch_offered",
  REMATCH_DECLINED: "rematch_declined",
  GAME_ENDED: "game_ended",
  VIDEO_READY: "video_ready",
  VIDEO_UNAVAILABLE: "video_unavailable",
  SIGNAL: "signal",
  CHAT: "chat",
  WATCH_STATE: "watch_state",
  WATCHERS: "watchers",
  WATCHING_CHANGED: "watching_changed",
  HEARTBEAT_ACK: "heartbeat_ack",
  NOTIFICATION: "notification",
  CHALLENGE_ACCEPTED: "challenge_accepted",
  ERROR: "error",
})

export const CLIENT_TAGS = Object.freeze(Object.values(CLIENT))
export const SERVER_TAGS = Object.freeze(Object.values(SERVER))

/** code → [message, retryable], as the server's catalogue says them. */
export const ERRORS = Object.freeze({
  BAD_JSON: ["Invalid JSON payload.", true],
  INVALID_PAYLOAD: ["Invalid payload envelope.", false],
  UNKNOWN_EVENT: ["Unknown event type.", false],
  UNAUTHORIZED: ["Unauthorized.", false],
  INVALID_ROOM_CODE: ["Room code must be 8 characters.", false],
  ROOM_NOT_FOUND: ["Room does not exist.", false],
  ROOM_FULL: ["Room already has two players.", false],
  ROOM_TERMINATED: ["Room is no longer available.", false],
  ROOM_UPDATE_CONFLICT: ["Concurrent room update detected. Please retry.", true],
  WAITING_FOR_PLAYER: ["Waiting for second player.", true],
  GAME_ALREADY_ACTIVE: ["Game already in progress.", false],
  NO_ACTIVE_GAME: ["No active game in this room.", false],
  GAME_PAUSED: ["Game is paused while waiting for reconnect.", true],
  NOT_YOUR_TURN: ["Wait for your turn.", false],
  ILLEGAL_MOVE: ["Illegal move.", false],
  DRAW_ALREADY_PENDING: ["A draw offer is already pending.", false],
  DRAW_NOT_PENDING: ["There is no draw offer to answer.", false],
  TAKEBACK_NOT_ALLOWED: ["Takebacks are not allowed in this game.", false],
  TAKEBACK_LIMIT_REACHED: ["You have used all your takebacks.", false],
  TAKEBACK_WINDOW_CLOSED: ["You can only take back your last move before your opponent replies.", false],
  TAKEBACK_ALREADY_PENDING: ["A takeback request is already waiting for an answer.", false],
  TAKEBACK_NOT_PENDING: ["There is no takeback request to answer.", false],
  REMATCH_NOT_AVAILABLE: ["A rematch can be offered once a game in this room has ended.", false],
  REMATCH_ALREADY_PENDING: ["You have already offered a rematch.", false],
  REMATCH_NOT_PENDING: ["There is no rematch offer to answer.", false],
  ABORT_NOT_ALLOWED: ["The game can only be aborted before both sides have moved.", false],
  RECONNECT_WINDOW_EXPIRED: ["Reconnect window expired.", false],
  NOT_IN_ROOM: ["You are not a player in this room.", false],
  RATE_LIMITED: ["Too many messages; slow down.", true],
  FRAME_TOO_LARGE: ["Message too large.", false],
  TOO_MANY_CONNECTIONS: ["Too many open connections for this account.", false],
  ROOM_LIMIT_REACHED: ["Too many open rooms for this account.", false],
  WATCHING_OFF: ["The players are not letting anyone watch this room.", false],
  WATCHERS_FULL: ["This room has as many watchers as it allows.", true],
  PLAYER_CANNOT_WATCH: ["You play in this room: open it to play.", false],
  WATCHING_ONLY: ["You are watching this room: watchers cannot play, chat or signal.", false],
  INTERNAL_ERROR: ["Unexpected error handling request.", true],
  NOT_FOUND: ["Not found.", false],
  CONFLICT: ["Already exists.", false],
  INVALID_CREDENTIALS: ["Wrong username or password.", false],
  TOO_MANY_ATTEMPTS: ["Too many failed sign-ins; wait before trying again.", true],
  FORBIDDEN_ORIGIN: ["This request must come from this site's own pages.", false],
  NOT_READY: ["A dependency is unavailable.", true],
  NOT_CONFIRMED: ["Confirm your email first: type the code it was sent.", false],
  INVALID_CODE: ["That code is not right.", false],
  CODE_EXPIRED: ["That code has expired; ask for a new one.", false],
})

/**
 * code → what a person is told, in plain words. Every code of the catalogue has one (a test
 * checks it against the server's), and the server's own text is never shown instead.
 */
export const MESSAGES = Object.freeze({
  BAD_JSON: "Something went wrong sending that. Please try again.",
  INVALID_PAYLOAD: "That request wasn't understood. Reload the page and try again.",
  UNKNOWN_EVENT: "This page is out of date. Reload it and try again.",
  UNAUTHORIZED: "Please sign in again.",
  INVALID_ROOM_CODE: "A room code is 8 letters and digits, like ABCD2345.",
  ROOM_NOT_FOUND: "There's no room with that code. Check it with your friend.",
  ROOM_FULL: "That room already has two players.",
  ROOM_TERMINATED: "That room has closed. Open a new one from the lobby.",
  ROOM_UPDATE_CONFLICT: "That clashed with another change. Please try again.",
  WAITING_FOR_PLAYER: "Your friend hasn't joined yet.",
  GAME_ALREADY_ACTIVE: "A game is already being played in this room.",
  NO_ACTIVE_GAME: "There's no game being played right now.",
  GAME_PAUSED: "The game is paused until your friend reconnects.",
  NOT_YOUR_TURN: "Wait for your turn.",
  ILLEGAL_MOVE: "That move isn't legal here.",
  DRAW_ALREADY_PENDING: "A draw offer is already waiting for an answer.",
  DRAW_NOT_PENDING: "That draw offer is no longer open.",
  TAKEBACK_NOT_ALLOWED: "Takebacks are off in this game.",
  TAKEBACK_LIMIT_REACHED: "You have used all your takebacks.",
  TAKEBACK_WINDOW_CLOSED: "Too late to take back: your opponent has already replied.",
  TAKEBACK_ALREADY_PENDING: "A takeback request is already waiting for an answer.",
  TAKEBACK_NOT_PENDING: "That takeback request is no longer open.",
  REMATCH_NOT_AVAILABLE: "A rematch can be offered once this game has ended.",
  REMATCH_ALREADY_PENDING: "You have already offered a rematch.",
  REMATCH_NOT_PENDING: "That rematch offer is no longer open.",
  ABORT_NOT_ALLOWED: "A game can only be aborted before both sides have moved.",
  RECONNECT_WINDOW_EXPIRED: "You were away too long to rejoin that game.",
  NOT_IN_ROOM: "You're not a player in this room.",
  RATE_LIMITED: "Slow down a little, then try again.",
  FRAME_TOO_LARGE: "That was too much to send at once.",
  TOO_MANY_CONNECTIONS: "ChessChat is open in too many tabs. Close one and try again.",
  ROOM_LIMIT_REACHED: "You have too many rooms open. Leave one first.",
  WATCHING_OFF: "The players have turned watching off for this game.",
  WATCHERS_FULL: "This game has as many watchers as it can take. Try again in a while.",
  PLAYER_CANNOT_WATCH: "You play in this game: open the room to play.",
  WATCHING_ONLY: "You're watching: only the two players can play or chat.",
  INTERNAL_ERROR: "Something went wrong on our side. Please try again.",
  NOT_FOUND: "That isn't there any more.",
  CONFLICT: "That already exists.",
  INVALID_CREDENTIALS: "Wrong username or password.",
  TOO_MANY_ATTEMPTS: "Too many tries. Wait a minute, then try again.",
  FORBIDDEN_ORIGIN: "Please open ChessChat from its own site.",
  NOT_READY: "ChessChat is having trouble right now. Please try again shortly.",
  NOT_CONFIRMED: "Confirm your email first: type the code we sent you.",
  INVALID_CODE: "That code isn't right.",
  CODE_EXPIRED: "That code has expired. Ask for a new one.",
})

/** Ending reasons (game_ended.result) in words. */
export const REASONS = Object.freeze({
  checkmate: "by checkmate",
  resign: "by resignation",
  timeout: "on time",
  stalemate: "by stalemate",
  draw: "by draw",
  draw_agreed: "by agreement",
  forfeit_disconnect: "by forfeit (disconnected)",
  room_expired: "— the room expired",
  insufficient_material: "by insufficient material",
  threefold_repetition: "by threefold repetition",
  fivefold_repetition: "by fivefold repetition",
  fifty_moves: "by the fifty-move rule",
  seventyfive_moves: "by the seventy-five-move rule",
  timeout_vs_insufficient_material: "— time out, but no mating material",
  aborted: "— game aborted",
})

/** What to tell a person about an error frame or HTTP error body: its code's plain words. */
export function errorText(error) {
  return MESSAGES[error?.code] || "Something went wrong. Please try again."
}

export function isRetryable(error) {
  if (!error) return false
  if (typeof error.retryable === "boolean") return error.retryable
  const known = ERRORS[error.code]
  return known ? known[1] : false
}

/** A client frame; room-bound tags carry the room code. */
export function frame(type, fields = {}) {
  if (!CLIENT_TAGS.includes(type)) throw new Error(`unknown client tag ${type}`)
  return { type, ...fields }
}
