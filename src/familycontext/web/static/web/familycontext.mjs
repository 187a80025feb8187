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
    addToWhomToCall(details)
  } catch (error) {
    details.dataset.fcState = ''
    showMessage(body, 'Sorry, the details could not be loaded.', url)
  } finally {
    body.removeAttribute('aria-busy')
  }
}

// The person page's summary gathers the contact of each service card as it is opened, so
// "whom to call" sits at the top; nothing is shown there that the user has not opened.
function addToWhomToCall (details) {
  const card = details.closest('.fc-card')
  const box = document.querySelector('[data-fc-contacts]')
  const contact = details.querySelector('.fc-contact')
  if (!card || !box || !contact || box.querySelector(`[data-fc-contact-of="${card.id}"]`)) return
  const item = document.createElement('li')
  item.dataset.fcContactOf = card.id
  const title = document.createElement('strong')
  title.textContent = card.querySelector('.govuk-summary-card__title').textContent + ': '
  const people = contact.cloneNode(true)
  people.classList.remove('govuk-list')
  people.classList.add('fc-contact--inline')
  item.append(title, people)
  // Keep the cards' order, whatever order the answers arrive in.
  const cards = [...document.querySelectorAll('.fc-card')].map((c) => c.id)
  const list = box.querySelector('[data-fc-contacts-list]')
  const after = [...list.children].find((li) => cards.indexOf(li.dataset.fcContactOf) > cards.indexOf(card.id))
  list.insertBefore(item, after || null)
  box.hidden = false
}

// "Open all service details": opens every service card on the page (not the ecomap). Each card
// fetches its own details, so each is recorded as its own view, exactly as when opened by hand.
for (const wrapper of document.querySelectorAll('[data-fc-open-all-wrapper]')) {
  const button = wrapper.querySelector('[data-fc-open-all]')
  const cards = [...document.querySelectorAll('.fc-card details[data-fc-details-url]')]
  if (!button || cards.length === 0) continue
  wrapper.hidden = false
  button.addEventListener('click', () => {
    for (const details of cards) details.open = true
    button.disabled = true
    button.setAttribute('aria-disabled', 'true')
  })
}

for (const details of document.querySelectorAll('details[data-fc-details-url]')) {
  details.addEventListener('toggle', () => { if (details.open) loadDetails(details) })
  if (details.open) loadDetails(details)
}
