// Package discordtest is a fake Discord for tests: the REST API (under
// /api/v<N>/, discordgo v0.29 uses v9) and the websocket gateway, served by
// one httptest server.
//
// It is meant for two kinds of tests:
//
//   - adapter tests with a real *discordgo.Session:
//
//     srv := discordtest.NewServer(t)
//     sess, _ := discordgo.New("Bot x")
//     srv.Configure(sess) // sess.Client = &http.Client{Transport: srv.Transport()}
//     sess.Identify.Intents = discordgo.IntentsDirectMessages
//     sess.Open()
//     defer discordtest.CloseSession(sess)
//     srv.Dispatch(discordtest.DMMessage(srv.DMChannel("42"), "42", "hi"))
//     srv.WaitFor(t, 5*time.Second, discordtest.MessageTo(srv.DMChannel("42")))
//
//   - end-to-end tests of the bot binary, started with
//     INTERLUDE_DISCORD_API_URL=srv.URL; the bot must route every Discord
//     request through RewriteTransport(srv.URL) (discordgo's endpoint
//     variables are fixed at package start).
//
// The gateway URL handed out by GET /gateway is the server's own ws:// address
// because discordgo dials the gateway with its websocket dialer, not with
// Session.Client, so rewriting HTTP requests does not move the websocket.
//
// Everything the fake receives is recorded as a Call. FailNext queues
// Discord-shaped errors (429 with the real headers and body, 403 50007, ...),
// CannotDM makes a user unreachable. Dispatch sends gateway events to the
// connected sessions; DMMessage, GuildMessage, SlashCommand and ButtonClick
// build the payloads Discord sends.
//
// Behaviour modelled after Discord, which tests may trip over on purpose:
//   - sending to a channel the fake does not know (for example a user ID
//     instead of a DM channel ID) fails with 404 10003 Unknown Channel;
//   - content over 2000 characters, custom_id over 100 characters and invalid
//     application commands (names, descriptions, locales) fail with 400 50035;
//   - interactions dispatched through the fake must be answered once
//     (40060 otherwise) and within the interaction deadline (3 s by default,
//     10062 Unknown interaction otherwise);
//   - MESSAGE_CREATE is only delivered to sessions that identified with the
//     matching intent (DIRECT_MESSAGES for DMs, GUILD_MESSAGES for guilds),
//     and guild message content is blanked without MESSAGE_CONTENT;
//   - messages the bot creates are echoed to the gateway as MESSAGE_CREATE
//     (unless WithoutEcho), so a bot that answers its own messages loops.
package discordtest
