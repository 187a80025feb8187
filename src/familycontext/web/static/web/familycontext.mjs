// GOV.UK Frontend components, and service card details loaded when a card is opened.
//
// Card details are never in the person page: opening a card is its own audited action, so the
// page fetches them from the server when the user opens "… details". Without JavaScript the
// same place holds a link to a page showing the same details.
import { initAll } from '../govuk/govuk-frontend.min.js'

initAll()

function showMessage (body, text, href) {
  const p = document.createElement('p')
  p.className = 'govuk-body'
  p.textContent = text + ' '
  const link = document.createElement('a')
  link.className = 'govuk-link'
  link.href = href
  link.textContent = 'Open the details on their own page'
  p.append(link)
  body.replaceChildren(p)
}

async function loadDetails (details) {
  const url = details.dataset.fcDetailsUrl
  const body = details.querySelector('[data-fc-details-body]')
  if (!url || !body || details.dataset.fcState === 'loading' || details.dataset.fcState === 'loaded') return
  details.dataset.fcState = 'loading'
  body.setAttribute('aria-busy', 'true')
  const loading = document.createElement('p')
  loading.className = 'govuk-body'
  loading.textContent = 'Loading…'
  body.replaceChildren(loading)
  try {
    const response = await fetch(url, {
      headers: { 'X-Requested-With': 'fetch' },
      credentials: 'same-origin',
      redirect: 'follow'
    })
    if (response.redirected || !response.ok) {
      // Signed out or reason expired: the full page leads the user through it.
      if (response.redirected) { window.location.assign(url); return }
      throw new Error(String(response.status))
    }
    const html = await response.text()
    const doc = new DOMParser().parseFromString(html, 'text/html')
    body.replaceChildren(...doc.body.childNodes)
    details.dataset.fcState = 'loaded'
  } catch (error) {
    details.dataset.fcState = ''
    showMessage(body, 'Sorry, the details could not be loaded.', url)
  } finally {
    body.removeAttribute('aria-busy')
  }
}

for (const details of document.querySelectorAll('details[data-fc-details-url]')) {
  details.addEventListener('toggle', () => { if (details.open) loadDetails(details) })
  if (details.open) loadDetails(details)
}
