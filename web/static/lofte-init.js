// Starts GOV.UK Frontend's components (a module, loaded from this site: no inline script).
import { initAll } from '/static/govuk/govuk-frontend.min.js'
initAll()
