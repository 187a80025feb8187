// Runs first in <body>, before anything is drawn: tells GOV.UK Frontend's CSS that JavaScript
// is on. (GOV.UK's page template does this with an inline script, which our Content Security
// Policy does not allow.)
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');
