package telegramtest

import (
	"strings"
)

// Limits of the Bot API that the fake enforces.
const (
	maxTextLen     = 4096 // UTF-16 code units after entity parsing
	maxCaptionLen  = 1024
	maxCallbackLen = 64 // bytes
	maxPhotoBytes  = 10 << 20
)

type builtin func(s *Server, c Call) (any, *Fault)

// builtins are the methods the fake implements, by lower-case name.
var builtins = map[string]builtin{}

// canonicalNames maps lower-case method names to the Bot API's spelling.
var canonicalNames = map[string]string{}

func init() {
	for name, fn := range map[string]builtin{
		"getMe":                  getMe,
		"getUpdates":             nil, // Server.getUpdates
		"logOut":                 okTrue,
		"close":                  okTrue,
		"setWebhook":             setWebhook,
		"deleteWebhook":          deleteWebhook,
		"getWebhookInfo":         getWebhookInfo,
		"sendMessage":            sendMessage,
		"sendPhoto":              sendPhoto,
		"sendDocument":           sendDocument,
		"sendChatAction":         sendChatAction,
		"editMessageText":        editMessage,
		"editMessageCaption":     editMessage,
		"editMessageReplyMarkup": editMessage,
		"deleteMessage":          deleteMessage,
		"answerCallbackQuery":    answerCallbackQuery,
		"setMyCommands":          setMyCommands,
		"deleteMyCommands":       deleteMyCommands,
		"getMyCommands":          getMyCommands,
		"setMyName":              okTrue,
		"setChatMenuButton":      okTrue,
	} {
		canonicalNames[strings.ToLower(name)] = name
		if fn != nil {
			builtins[strings.ToLower(name)] = fn
		}
	}
}

func okTrue(*Server, Call) (any, *Fault) { return true, nil }

func getMe(s *Server, _ Call) (any, *Fault) {
	return map[string]any{
		"id": s.me.ID, "is_bot": true, "first_name": s.me.FirstName, "username": s.me.Username,
		"can_join_groups": true, "can_read_all_group_messages": false, "supports_inline_queries": false,
		"can_connect_to_business": false, "has_main_web_app": false,
	}, nil
}
