// The player's own page: record and account facts.
import { clear, h } from "../dom.js"
import { when } from "./common.js"

export function profileView(main, app) {
  const render = (u) => {
    const total = u.total_games || u.wins + u.losses + u.draws || 0
    const score = total ? Math.round(((u.wins + u.draws / 2) / total) * 100) : 0
    clear(
      main,
      h(
        "section",
        { class: "card narrow" },
        h("h1", {}, u.display_name || u.username),
        h("p", { class: "muted" }, `@${u.username}`, u.created_at ? ` · member since ${when(u.created_at)}` : ""),
        h(
          "dl",
          { class: "stats" },
          ...[
            ["Games", total],
            ["Wins", u.wins],
            ["Losses", u.losses],
            ["Draws", u.draws],
            ["Score", `${score}%`],
          ].map(([k, v]) => h("div", {}, h("dt", {}, k), h("dd", {}, String(v ?? 0)))),
        ),
        h("div", { class: "bar", role: "img", "aria-label": `Wins ${u.wins}, draws ${u.draws}, losses ${u.losses}` },
          h("span", { class: "bar-win", style: `flex:${u.wins || 0}` }),
          h("span", { class: "bar-draw", style: `flex:${u.draws || 0}` }),
          h("span", { class: "bar-loss", style: `flex:${u.losses || 0}` }),
        ),
        h(
          "div",
          { class: "row" },
          h("a", { class: "btn", href: "#/history" }, "See every game"),
          h("button", { class: "btn btn-ghost", type: "button", onclick: () => app.signOut() }, "Sign out"),
        ),
      ),
    )
  }
  render(app.user)
  app.refreshUser().then((u) => u && render(u))
}
