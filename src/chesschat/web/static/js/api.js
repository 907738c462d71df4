// The HTTP API. Same origin by default (HttpOnly session cookie); with a cross-origin
// apiBase (a static deployment) the bearer token from sign-in is kept and sent instead.
import { ERRORS } from "./protocol.js"

const config = globalThis.CHESSCHAT_CONFIG || {}
const apiBase = (config.apiBase || "").replace(/\/$/, "")
const TOKEN_KEY = "chesschat.token"

function crossOrigin() {
  return Boolean(apiBase) && new URL(apiBase, location.href).origin !== location.origin
}

function token() {
  return crossOrigin() ? localStorage.getItem(TOKEN_KEY) : null
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
  const bearer = token()
  if (bearer) headers.authorization = `Bearer ${bearer}`
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

function remember(session) {
  if (crossOrigin() && session?.token) localStorage.setItem(TOKEN_KEY, session.token)
  return session
}

export const api = {
  signup: (username, password) => request("POST", "/api/auth/signup", { username, password }).then(remember),
  login: (username, password) => request("POST", "/api/auth/login", { username, password }).then(remember),
  async logout() {
    try {
      await request("POST", "/api/auth/logout")
    } finally {
      localStorage.removeItem(TOKEN_KEY)
    }
  },
  me: () => request("GET", "/api/me"),
  reserveRoom: () => request("POST", "/api/rooms"),
  history: (cursor) => request("GET", `/api/history${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ""}`),
  game: (id) => request("GET", `/api/games/${encodeURIComponent(id)}`),
  pgn: (id) => request("GET", `/api/games/${encodeURIComponent(id)}.pgn`, undefined, { raw: true }),

  rename: (username) => request("POST", "/api/profile", { username }),
  deleteAccount: async () => {
    await request("DELETE", "/api/me")
    localStorage.removeItem(TOKEN_KEY)
  },

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
 * (`inWords`), else the catalogue's, never the server's own text.
 */
export function plainError(error, inWords = {}) {
  const code = error?.code
  if (code && inWords[code]) return inWords[code]
  if (code === "NETWORK") return error.message
  return ERRORS[code]?.[0] || "Something went wrong. Please try again."
}

/** The socket's URL: configured, else next to the API. */
export function socketUrl() {
  let url = config.wsUrl
  if (!url) {
    const base = apiBase ? new URL(apiBase, location.href) : new URL(location.href)
    url = `${base.protocol === "https:" ? "wss:" : "ws:"}//${base.host}/ws`
  }
  const bearer = token()
  return bearer ? `${url}?token=${encodeURIComponent(bearer)}` : url
}
