/// <reference types="gan-sdk/vite-client" />
import digits from 'gan:mnist?seeds=0-7&size=56'

const grid = document.querySelector('#digits')
for (const { src, width, height, seed } of digits) {
  const figure = document.createElement('figure')
  figure.innerHTML = `<img src="${src}" width="${width}" height="${height}" alt="a handwritten digit, seed ${seed}"><figcaption>seed ${seed}</figcaption>`
  grid.append(figure)
}
