import { defineConfig } from 'vite'
import ganSdk from 'gan-sdk/vite'

// The gan-sdk plugin bakes the images of every `gan:` import at build time (and in the dev server).
export default defineConfig({
  plugins: [ganSdk()],
})
