// The "Print or save as PDF" button on the print page. Without JavaScript it stays hidden and the
// page says to use the browser's own print command.
for (const button of document.querySelectorAll('[data-fc-print]')) {
  button.hidden = false
  button.addEventListener('click', () => window.print())
}
