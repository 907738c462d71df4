// Deployment settings, read before the app starts. The server serves this default (same
// origin for the API and the socket); a static deployment generates its own, e.g.
// window.CHESSCHAT_CONFIG = { apiBase: "https://api.example.com", wsUrl: "wss://api.example.com/ws" }
window.CHESSCHAT_CONFIG = window.CHESSCHAT_CONFIG || { apiBase: "", wsUrl: "" }
