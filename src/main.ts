import { mount } from 'svelte';
import App from './ui/App.svelte';
import './ui/app.css';
import { markDocumentLanguage } from './ui/i18n';

markDocumentLanguage();

const target = document.getElementById('app');
if (!target) throw new Error('index.html lacks <div id="app">');
export default mount(App, { target });
