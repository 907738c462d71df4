// The HTTP API. Same origin by default (HttpOnly session cookie); with a cross-origin
// apiBase (a static deployment) the bearer token from sign-in is kept and sent instead.

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
