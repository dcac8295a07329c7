using System.Text.Encodings.Web;

namespace RunnerHub.Orchestrator.Operators;

/// <summary>The sign-in page: self-contained HTML (inline CSS, no scripts, no external assets).</summary>
internal static class LoginPage
{
    public static string Render(string returnUrl, string? error)
    {
        var html = HtmlEncoder.Default;
        var errorBlock = error is null
            ? """<p id="login-error" class="error" hidden></p>"""
            : $"""<p id="login-error" class="error" role="alert">{html.Encode(error)}</p>""";
        return $$"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="robots" content="noindex">
            <title>RunnerHub — sign in</title>
            <style>
              :root { color-scheme: light dark; --bg: #f6f7f9; --card: #fff; --fg: #1d2330; --muted: #5b6475; --border: #d5d9e0; --accent: #2f6feb; --error: #c62828; }
              @media (prefers-color-scheme: dark) { :root { --bg: #111418; --card: #1b2028; --fg: #e6e9ef; --muted: #9aa3b2; --border: #2e3542; --accent: #5b8def; --error: #ef6b6b; } }
              * { box-sizing: border-box; }
              body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: var(--bg); color: var(--fg); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
              main { width: min(380px, 92vw); background: var(--card); border: 1px solid var(--border); border-radius: 10px; padding: 28px; }
              h1 { margin: 0 0 4px; font-size: 20px; }
              p.hint { margin: 0 0 20px; color: var(--muted); font-size: 13px; }
              label { display: block; margin-bottom: 6px; font-weight: 600; font-size: 13px; }
              input[type=password] { width: 100%; padding: 9px 10px; border: 1px solid var(--border); border-radius: 6px; background: transparent; color: inherit; font: inherit; }
              input[type=password]:focus { outline: 2px solid var(--accent); outline-offset: 1px; }
              button { margin-top: 16px; width: 100%; padding: 9px; border: 0; border-radius: 6px; background: var(--accent); color: #fff; font: inherit; font-weight: 600; cursor: pointer; }
              .error { margin: 0 0 14px; color: var(--error); font-size: 13px; }
            </style>
            </head>
            <body>
            <main>
              <h1>RunnerHub</h1>
              <p class="hint">Sign in with an operator token (<code>operator-token create</code>).</p>
              {{errorBlock}}
              <form method="post" action="/login">
                <label for="token">Operator token</label>
                <input type="password" id="token" name="token" autocomplete="current-password" required autofocus>
                <input type="hidden" name="returnUrl" value="{{html.Encode(returnUrl)}}">
                <button type="submit" id="login-submit">Sign in</button>
              </form>
            </main>
            </body>
            </html>
            """;
    }
}
