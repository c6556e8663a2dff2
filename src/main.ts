import { mount } from 'svelte';
import App from './ui/App.svelte';
import './ui/app.css';
import { settleLanguage } from './ui/i18n';
import { install } from './ui/install.svelte';

// Before anything is drawn: the browser's offer to install may come at once.
install.listen(window);
settleLanguage();

const target = document.getElementById('app');
if (!target) throw new Error('index.html lacks <div id="app">');
export default mount(App, { target });
