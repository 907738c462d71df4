// The HTTP API. The session is the HttpOnly cookie sign-in sets: the page never holds its
// token. With an apiBase on another origin of the same site (a static deployment) the
// cookie goes along too ("include"); the API must allow that origin (CORS with credentials).
import { MESSAGES } from "./protocol.js"

const config = globalThis.CHESSCHAT_CONFIG || {}
const apiBase = (config.apiBase || "").replace(/\/$/, "")

function crossOrigin() {
  return Boolean(apiBase) && new URL(apiBase, location.href).origin !== location.origin
}

// A token an earlier version of the page kept goes.
try {
  localStorage.removeItem("chesschat.token")
} catch {
  /* storage is off: nothing was kept */
}

export class ApiError extends Error {
  constructor(status, error) {
    super(error?.message || "Something went wrong.")
    this.status = status
    this.code = error?.code || "INTERNAL_ERROR"
    this.retryable = Boolean(error?.retryable)
    this.context = error?.context ?? null
  }
}

async function request(method, path, body, { raw = false } = {}) {
  const headers = {}
  if (body !== undefined) headers["content-type"] = "application/json"
  let response
  try {
    response = await fetch(apiBase + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: crossOrigin() ? "include" : "same-origin",
    })
  } catch {
    throw new ApiError(0, { code: "NETWORK", message: "Can't reach the server. Check your connection.", retryable: true })
  }
  if (!response.ok) {
    let error = null
    try {
      error = (await response.json()).error
    } catch {
      /* not JSON: use the status below */
    }
    if (!error && response.status === 404) error = { code: "NOT_FOUND", message: "Not found." }
    throw new ApiError(response.status, error)
  }
  if (raw) return response.text()
  return response.status === 204 ? null : response.json()
}

/** Only the account reaches the page: a session token in an answer (local mode) is dropped. */
function withoutToken(answer) {
  if (answer && typeof answer === "object") delete answer.token
  return answer
}

export const api = {
  /** {identity: "local"|"cognito", video, google}; local accounts when the API predates it. */
  config: () =>
    request("GET", "/api/config").catch((e) => {
      if (e.status === 404) return { identity: "local", video: "webrtc", google: false }
      throw e
    }),
  /** Local: {user}, signed in. Cognito: {status: "confirmation_required", destination}. */
  signup: (username, password, email) =>
    request("POST", "/api/auth/signup", email === undefined ? { username, password } : { username, password, email }).then(
      withoutToken,
    ),
  /** {user}, signed in; or {challenge: "SOFTWARE_TOKEN_MFA", session} for answerMfa. */
  login: (username, password) => request("POST", "/api/auth/login", { username, password }).then(withoutToken),
  logout: () => request("POST", "/api/auth/logout"),
  me: () => request("GET", "/api/me"),
  confirm: (username, code) => request("POST", "/api/auth/confirm", { username, code }),
  resend: (username) => request("POST", "/api/auth/resend", { username }),
  answerMfa: (session, code) => request("POST", "/api/auth/mfa", { session, code }),
  forgot: (username) => request("POST", "/api/auth/forgot", { username }),
  reset: (username, code, password) => request("POST", "/api/auth/reset", { username, code, password }),
  googleUrl: () => `${apiBase}/api/auth/google`,
  /** {secret, otpauthUri, qrCode}: an authenticator to confirm with mfaVerify. */
  mfaSetup: () => request("POST", "/api/auth/mfa/setup"),
  mfaVerify: (code) => request("POST", "/api/auth/mfa/verify", { code }),
  mfaDisable: () => request("POST", "/api/auth/mfa/disable"),
  reserveRoom: () => request("POST", "/api/rooms"),
  history: (cursor) => request("GET", `/api/history${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ""}`),
  /** {opponent: {userId, username}, wins, draws, losses, games}: the score from my side. */
  headToHead: (userId, limit = 5) => request("GET", `/api/users/${encodeURIComponent(userId)}/head-to-head?limit=${limit}`),
  game: (id) => request("GET", `/api/games/${encodeURIComponent(id)}`),
  pgn: (id) => request("GET", `/api/games/${encodeURIComponent(id)}.pgn`, undefined, { raw: true }),
  /** The engine's review: {status: "queued"|"running"|"done"|"failed", plies, accuracy}. */
  review: (id) => request("GET", `/api/games/${encodeURIComponent(id)}/analysis`),
  requestReview: (id) => request("POST", `/api/games/${encodeURIComponent(id)}/analysis`),

  rename: (username) => request("POST", "/api/profile", { username }),
  deleteAccount: () => request("DELETE", "/api/me"),

  friends: () => request("GET", "/api/friends"),
  removeFriend: (userId) => request("DELETE", `/api/friends/${encodeURIComponent(userId)}`),
  friendRequests: () => request("GET", "/api/friends/requests"),
  sendFriendRequest: (username) => request("POST", "/api/friends/requests", { username }),
  answerFriendRequest: (id, accept) =>
    request("POST", `/api/friends/requests/${encodeURIComponent(id)}/respond`, { action: accept ? "accept" : "decline" }),
  cancelFriendRequest: (id) => request("POST", `/api/friends/requests/${encodeURIComponent(id)}/cancel`),
  pairRoom: (username) => request("GET", `/api/rooms/pair?username=${encodeURIComponent(username)}`),

  challenges: () => request("GET", "/api/challenges"),
  /** `settings` in the server's words: {timeWhiteSeconds, incrementSeconds, allowTakebacks, takebacksWhite, color}. */
  challenge: (username, settings) => request("POST", "/api/challenges", { username, settings }),
  acceptChallenge: (id) => request("POST", `/api/challenges/${encodeURIComponent(id)}/accept`),
  declineChallenge: (id) => request("POST", `/api/challenges/${encodeURIComponent(id)}/decline`),
  cancelChallenge: (id) => request("POST", `/api/challenges/${encodeURIComponent(id)}/cancel`),

  notifications: () => request("GET", "/api/notifications"),
  markNotificationRead: (id) => request("POST", `/api/notifications/${encodeURIComponent(id)}/read`),
  markAllNotificationsRead: () => request("POST", "/api/notifications/read-all"),
}

/**
 * What to tell a person about a failed call: the sentence the page gives for this code
 * (`inWords`), else the client's plain words for it, never the server's own text.
 */
export function plainError(error, inWords = {}) {
  const code = error?.code
  if (code && inWords[code]) return inWords[code]
  if (code === "NETWORK") return error.message
  return MESSAGES[code] || "Something went wrong. Please try again."
}

/** The socket's URL: configured, else next to the API. The browser sends the cookie. */
export function socketUrl() {
  if (config.wsUrl) return config.wsUrl
  const base = apiBase ? new URL(apiBase, location.href) : new URL(location.href)
  return `${base.protocol === "https:" ? "wss:" : "ws:"}//${base.host}/ws`
}
