// The portal's one script, and an optional one: every page works without it. It shows each
// <time datetime> in the reader's own time zone and language (the server, which cannot know the
// time zone, writes Beijing time and says so). Nothing is sent anywhere.
(function () {
  'use strict';
  function localise() {
    var lang = document.documentElement.lang || 'zh-CN';
    var format;
    try {
      format = new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : lang, { dateStyle: 'long', timeStyle: 'short' });
    } catch {
      return;
    }
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone || '';
    var times = document.querySelectorAll('time[datetime]');
    for (var i = 0; i < times.length; i++) {
      var el = times[i];
      if (el.getAttribute('data-local') === 'done' || el.getAttribute('datetime').length < 11) continue;
      var when = new Date(el.getAttribute('datetime'));
      if (isNaN(when.getTime())) continue;
      el.setAttribute('title', el.textContent);
      el.textContent = format.format(when) + (zone ? ' (' + zone + ')' : '');
      el.setAttribute('data-local', 'done');
    }
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', localise);
  else localise();
})();
