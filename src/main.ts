import { mount } from 'svelte';
import App from './App.svelte';
import './ui/app.css';

const target = document.getElementById('app');
if (target === null) throw new Error('index.html lacks the #app element');

export default mount(App, { target });
