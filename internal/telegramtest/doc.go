// Package telegramtest is a fake Telegram Bot API server for tests. It speaks the real wire
// format (https://core.telegram.org/bots/api): requests are POST (or GET) /bot<token>/<method>
// with multipart/form-data, url-encoded or JSON bodies, and answers are
// {"ok":true,"result":...} or {"ok":false,"error_code":N,"description":"...",
// "parameters":{"retry_after":N}} with the HTTP status equal to error_code.
//
// Point a real bot at Server.URL (go-telegram/bot: bot.WithServerURL; the interlude binary:
// INTERLUDE_TELEGRAM_API_URL), queue updates with Push and the builders (PrivateText,
// Callback, Kicked, ...), and check what the bot sent with Calls, Sent, WaitSent and WaitFor.
// FailNext and BlockUser inject the errors Telegram gives.
//
// The fake behaves like Telegram where tests are likely to notice:
//   - getUpdates long-polls (capped, see SetMaxPollWait), returns updates with
//     update_id >= offset, honours limit, forgets updates below offset (they are confirmed),
//     filters by allowed_updates (remembered between calls; the default leaves out chat_member,
//     message_reaction and message_reaction_count), answers 409 while a webhook is set, and
//     ends an earlier, still waiting getUpdates with 409 when a second poller arrives.
//   - sendMessage and friends check what Telegram checks most visibly: a missing chat_id, an
//     empty or too long text (4096 UTF-16 code units after entity parsing, caption 1024), HTML
//     markup (parse_mode HTML: supported tags, matching end tags), callback_data of 1–64
//     bytes, uploaded photos that do not decode as PNG, JPEG or GIF. Editing a message to the
//     same text and keyboard gives "message is not modified".
//   - Methods the fake does not implement answer 404 like unknown methods; Handle adds one.
package telegramtest
