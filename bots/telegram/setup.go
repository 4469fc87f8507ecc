package telegram

import (
	"context"
	"fmt"
	"slices"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/interlude-bot/interlude/flows"
)

// SetUp makes the bot's profile what a person should see before pressing Start: the
// description and short description (an automated companion, not therapy) and the command
// menu for private chats only, in every language of the library (English is also the
// default for other languages). It reads the current values first and changes only what
// differs, so a restart changes nothing when all is right. It also removes a menu an older
// version set for every chat, groups included.
func (a *Adapter) SetUp(ctx context.Context) error {
	lib := a.engine.Library()
	var changed []string
	for _, loc := range lib.Locales() {
		lang := loc
		if loc == "en" {
			lang = "" // the default for every language without its own
		}
		c, err := a.setDescriptions(ctx, lib, loc, lang)
		if err != nil {
			return err
		}
		changed = append(changed, c...)
		c, err = a.setCommands(ctx, lib, loc, lang)
		if err != nil {
			return err
		}
		changed = append(changed, c...)
	}
	if len(changed) > 0 {
		a.log.Info("telegram: bot profile updated", "changed", changed)
	} else {
		a.log.Debug("telegram: bot profile already up to date")
	}
	return nil
}

func (a *Adapter) setDescriptions(ctx context.Context, lib *flows.Library, loc, lang string) ([]string, error) {
	var changed []string
	want := lib.String("tg_description", loc)
	var have models.BotDescription
	if err := a.call(ctx, func() (err error) {
		have, err = a.bot.GetMyDescription(ctx, &bot.GetMyDescriptionParams{LanguageCode: lang})
		return err
	}); err != nil {
		return nil, fmt.Errorf("telegram: getMyDescription (%s): %s", loc, errKind(err))
	}
	if have.Description != want {
		if err := a.call(ctx, func() error {
			_, err := a.bot.SetMyDescription(ctx, &bot.SetMyDescriptionParams{Description: want, LanguageCode: lang})
			return err
		}); err != nil {
			return nil, fmt.Errorf("telegram: setMyDescription (%s): %s", loc, errKind(err))
		}
		changed = append(changed, "description/"+loc)
	}
	wantShort := lib.String("tg_short_description", loc)
	var haveShort models.BotShortDescription
	if err := a.call(ctx, func() (err error) {
		haveShort, err = a.bot.GetMyShortDescription(ctx, &bot.GetMyShortDescriptionParams{LanguageCode: lang})
		return err
	}); err != nil {
		return nil, fmt.Errorf("telegram: getMyShortDescription (%s): %s", loc, errKind(err))
	}
	if haveShort.ShortDescription != wantShort {
		if err := a.call(ctx, func() error {
			_, err := a.bot.SetMyShortDescription(ctx, &bot.SetMyShortDescriptionParams{ShortDescription: wantShort, LanguageCode: lang})
			return err
		}); err != nil {
			return nil, fmt.Errorf("telegram: setMyShortDescription (%s): %s", loc, errKind(err))
		}
		changed = append(changed, "short_description/"+loc)
	}
	return changed, nil
}

func (a *Adapter) setCommands(ctx context.Context, lib *flows.Library, loc, lang string) ([]string, error) {
	var changed []string
	var want []models.BotCommand
	for _, c := range flows.Commands {
		want = append(want, models.BotCommand{Command: c, Description: lib.String("cmd_"+c, loc)})
	}
	private := &models.BotCommandScopeAllPrivateChats{}
	var have []models.BotCommand
	if err := a.call(ctx, func() (err error) {
		have, err = a.bot.GetMyCommands(ctx, &bot.GetMyCommandsParams{Scope: private, LanguageCode: lang})
		return err
	}); err != nil {
		return nil, fmt.Errorf("telegram: getMyCommands (%s): %s", loc, errKind(err))
	}
	if !slices.Equal(have, want) {
		if err := a.call(ctx, func() error {
			_, err := a.bot.SetMyCommands(ctx, &bot.SetMyCommandsParams{Commands: want, Scope: private, LanguageCode: lang})
			return err
		}); err != nil {
			return nil, fmt.Errorf("telegram: setMyCommands (%s): %s", loc, errKind(err))
		}
		changed = append(changed, "commands/"+loc)
	}
	// A menu for the default scope shows in groups too, where the bot talks to nobody.
	var old []models.BotCommand
	if err := a.call(ctx, func() (err error) {
		old, err = a.bot.GetMyCommands(ctx, &bot.GetMyCommandsParams{LanguageCode: lang})
		return err
	}); err != nil {
		return nil, fmt.Errorf("telegram: getMyCommands (%s, default scope): %s", loc, errKind(err))
	}
	if len(old) > 0 {
		if err := a.call(ctx, func() error {
			_, err := a.bot.DeleteMyCommands(ctx, &bot.DeleteMyCommandsParams{LanguageCode: lang})
			return err
		}); err != nil {
			return nil, fmt.Errorf("telegram: deleteMyCommands (%s, default scope): %s", loc, errKind(err))
		}
		changed = append(changed, "default_scope_commands/"+loc+" removed")
	}
	return changed, nil
}
