package discordtest

import (
	"fmt"
	"hash/fnv"
	"sort"
	"strconv"
	"sync/atomic"
	"time"
)

// discordEpoch is the first millisecond of 2015, the epoch of snowflake IDs.
const discordEpoch = 1420070400000

var lastSnowflake atomic.Uint64

// NewID returns a fresh snowflake ID (increasing, unique in the process) whose
// timestamp part is the current time, like the IDs Discord hands out.
func NewID() string {
	return strconv.FormatUint(nextSnowflake(), 10)
}

func nextSnowflake() uint64 {
	for {
		last := lastSnowflake.Load()
		id := uint64(time.Now().UnixMilli()-discordEpoch) << 22
		if id <= last {
			id = last + 1
		}
		if lastSnowflake.CompareAndSwap(last, id) {
			return id
		}
	}
}

// idTime returns the time encoded in a snowflake, or now for other IDs.
func idTime(id string) time.Time {
	n, err := strconv.ParseUint(id, 10, 64)
	if err != nil || n>>22 == 0 {
		return time.Now().UTC()
	}
	return time.UnixMilli(int64(n>>22) + discordEpoch).UTC()
}

// timestamp formats t as Discord does (ISO 8601 with microseconds).
func timestamp(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000000+00:00")
}

// userObject is a Discord user object. Test users are named "user_<id>".
func userObject(id string, bot bool) map[string]any {
	name := "user_" + id
	return map[string]any{
		"id":            id,
		"username":      name,
		"global_name":   name,
		"discriminator": "0",
		"avatar":        nil,
		"public_flags":  0,
		"bot":           bot,
	}
}

func (s *Server) botUser() map[string]any {
	return map[string]any{
		"id":            s.BotID,
		"username":      s.BotName,
		"global_name":   nil,
		"discriminator": "0",
		"avatar":        nil,
		"public_flags":  0,
		"flags":         0,
		"bot":           true,
		"verified":      true,
		"mfa_enabled":   false,
	}
}

func memberObject(user map[string]any, joined time.Time) map[string]any {
	m := map[string]any{
		"roles":                        []any{},
		"joined_at":                    timestamp(joined),
		"nick":                         nil,
		"avatar":                       nil,
		"premium_since":                nil,
		"deaf":                         false,
		"mute":                         false,
		"flags":                        0,
		"pending":                      false,
		"communication_disabled_until": nil,
	}
	if user != nil {
		m["user"] = user
	}
	return m
}

func messageObject(id, channelID string, author map[string]any, content string) map[string]any {
	return map[string]any{
		"id":               id,
		"type":             0,
		"channel_id":       channelID,
		"author":           author,
		"content":          content,
		"timestamp":        timestamp(idTime(id)),
		"edited_timestamp": nil,
		"tts":              false,
		"mention_everyone": false,
		"mentions":         []any{},
		"mention_roles":    []any{},
		"attachments":      []any{},
		"embeds":           []any{},
		"components":       []any{},
		"pinned":           false,
		"flags":            0,
	}
}

// DMMessage builds a MESSAGE_CREATE for a message a user sent to the bot in
// their DM channel: no guild_id and no member, author {id, username,
// bot:false}. Pass the result straight to Dispatch:
//
//	srv.Dispatch(discordtest.DMMessage(srv.DMChannel("42"), "42", "hi"))
//
// The payload's concrete type is map[string]any, so tests can adjust fields.
func DMMessage(channelID, userID, text string) (string, any) {
	return "MESSAGE_CREATE", messageObject(NewID(), channelID, userObject(userID, false), text)
}

// GuildMessage builds a MESSAGE_CREATE for a message a user sent in a guild
// text channel: with guild_id and a partial member (without user, as Discord
// sends it). The payload's concrete type is map[string]any.
func GuildMessage(guildID, channelID, userID, text string) (string, any) {
	m := messageObject(NewID(), channelID, userObject(userID, false), text)
	m["guild_id"] = guildID
	m["member"] = memberObject(nil, time.Now().Add(-24*time.Hour))
	return "MESSAGE_CREATE", m
}

func interactionBase(interactionID, token, appID string, typ int, userID, channelID, guildID string) map[string]any {
	if interactionID == "" {
		interactionID = NewID()
	}
	if token == "" {
		token = "itoken-" + interactionID
	}
	user := userObject(userID, false)
	d := map[string]any{
		"id":                    interactionID,
		"application_id":        appID,
		"type":                  typ,
		"token":                 token,
		"version":               1,
		"channel_id":            channelID,
		"locale":                "en-US",
		"app_permissions":       "562949953601536",
		"entitlements":          []any{},
		"attachment_size_limit": 10485760,
	}
	if guildID == "" {
		d["user"] = user
		d["context"] = 1
		d["authorizing_integration_owners"] = map[string]any{"0": "0"}
		d["channel"] = map[string]any{
			"id":              channelID,
			"type":            1,
			"last_message_id": nil,
			"flags":           0,
			"recipients":      []any{userObject(userID, false)},
		}
	} else {
		member := memberObject(user, time.Now().Add(-24*time.Hour))
		member["permissions"] = "2248473465835073"
		d["member"] = member
		d["guild_id"] = guildID
		d["guild_locale"] = "en-US"
		d["guild"] = map[string]any{"id": guildID, "locale": "en-US", "features": []any{}}
		d["context"] = 0
		d["authorizing_integration_owners"] = map[string]any{"0": guildID}
		d["channel"] = map[string]any{
			"id":       channelID,
			"type":     0,
			"guild_id": guildID,
			"name":     "channel-" + channelID,
			"flags":    0,
		}
	}
	return d
}

// commandID derives a stable ID for a command name, so the same command gets
// the same ID in every interaction.
func commandID(appID, name string) string {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s/%s", appID, name)
	return strconv.FormatUint(1<<60|h.Sum64()&(1<<59-1), 10)
}

// SlashCommand builds an INTERACTION_CREATE for a chat-input command (type 2,
// APPLICATION_COMMAND). With guildID empty it is a DM with the bot: "user"
// set, no guild_id, "context": 1 (BOT_DM); otherwise "member" {user, ...},
// guild_id and "context": 0 (GUILD). opts become STRING options (type 3),
// sorted by name. An empty interactionID or token is generated. The payload's
// concrete type is map[string]any (for example to set "locale").
func SlashCommand(interactionID, token, appID, userID, channelID, name string, guildID string, opts map[string]string) (string, any) {
	d := interactionBase(interactionID, token, appID, 2, userID, channelID, guildID)
	names := make([]string, 0, len(opts))
	for k := range opts {
		names = append(names, k)
	}
	sort.Strings(names)
	options := make([]any, 0, len(names))
	for _, k := range names {
		options = append(options, map[string]any{"name": k, "type": 3, "value": opts[k]})
	}
	data := map[string]any{
		"id":   commandID(appID, name),
		"name": name,
		"type": 1,
	}
	if len(options) > 0 {
		data["options"] = options
	}
	d["data"] = data
	return "INTERACTION_CREATE", d
}

// ButtonClick builds an INTERACTION_CREATE for a click on a button (type 3,
// MESSAGE_COMPONENT, data {custom_id, component_type: 2}) on message
// messageID in a DM with the bot. When dispatched, the fake replaces the
// embedded "message" with its stored copy if it knows the message. An empty
// interactionID or token is generated. The payload's concrete type is
// map[string]any.
func ButtonClick(interactionID, token, appID, userID, channelID, messageID, customID string) (string, any) {
	d := interactionBase(interactionID, token, appID, 3, userID, channelID, "")
	d["data"] = map[string]any{"custom_id": customID, "component_type": 2}
	bot := userObject(appID, true)
	bot["username"] = "bot_" + appID
	d["message"] = messageObject(messageID, channelID, bot, "")
	return "INTERACTION_CREATE", d
}
