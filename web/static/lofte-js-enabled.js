// Runs first thing in <body>: tells GOV.UK Frontend's CSS that scripts run (moved out of the
// page so that the Content Security Policy needs no 'unsafe-inline').
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');
