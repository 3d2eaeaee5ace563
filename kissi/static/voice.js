/* Voice prompts (the rules are in docs/web.md, "Every tap is heard"):
   - a tap on anything with data-prompt that stays on the page plays its clip; [data-say]
     plays a sentence; [data-say][data-autoplay] speaks itself (a sale done);
   - a tap that leaves the page (a link, a form sent) cannot be heard before the page goes:
     it is remembered for this tab, and the next page says where she is on arrival, its
     [data-arrive] sentence (the product's or customer's own recorded name) or its screen
     prompt (the header's speaker); holding a tile for half a second says it without going;
   - the clip manifest is fetched once per page (app.js asks through a 'kissi-say' event);
     the service worker keeps, on a metered link, this page's screen prompt (and each clip
     as it plays); on a fast unmetered link (no saveData, Wi-Fi or effectiveType 4g) every
     prompt of the page, and the whole language when she asks ([data-clips-all]);
   - [data-name-of] (a language button) says the language's name in that language, then does
     what it does;
   - [data-record] records in the browser (MediaRecorder).
   The page works without this file: the icons and texts are all there. */
(function(r){document.readyState=='loading'?document.addEventListener('DOMContentLoaded',r):r()})(function(){
var d=document,lang=d.documentElement.lang||'fr',clips=null,waiting=[],a=new Audio(),ok=false,queued=null,held=false,timer=0;
var TAP='kissi-tap';
function tapped(){try{sessionStorage.setItem(TAP,'1')}catch(x){}}  // the next page says where she is
function man(cb){if(clips)return cb();waiting.push(cb);if(waiting.length>1)return;
fetch('/voice/'+lang+'/manifest.json',{credentials:'same-origin'}).then(function(r){return r.ok?r.json():{clips:{}}})
.catch(function(){return {clips:{}}}).then(function(m){clips=m.clips||{};var w=waiting;waiting=[];w.forEach(function(f){f()})})}
function play(u){if(!u)return;a.pause();a.src=u;var p=a.play();if(p&&p.catch)p.catch(function(){queued=u})}
function prompt(k){man(function(){var c=clips[k];if(c)play(c.url)})}
function named(b){var c=b.dataset.nameOf,done=false;function go(){if(done)return;done=true;b.dataset.heard=1;b.click()}
setTimeout(go,4000);fetch('/voice/'+c+'/manifest.json',{credentials:'same-origin'}).then(function(r){return r.json()}).then(function(m){
var u=m.clips&&m.clips['lang.name.'+c];if(!u)return go();a.onended=a.onerror=go;play(u.url)}).catch(go)}
function fast(){var c=navigator.connection;return !c||(!c.saveData&&(c.type=='wifi'||c.effectiveType=='4g'))}
function keep(all){  // ask the service worker to keep clips: this page's, or the language's
man(function(){var urls=[],seen={},s=d.querySelector('header .say');
(all?Object.keys(clips):fast()?[].map.call(d.querySelectorAll('[data-prompt]'),function(e){return e.dataset.prompt}):s?[s.dataset.prompt]:[])
.forEach(function(k){var c=clips[k];if(c&&!seen[c.url]){seen[c.url]=1;urls.push(c.url)}});
var sw=navigator.serviceWorker;if(sw&&urls.length)sw.ready.then(function(r){r.active.postMessage({type:'clips',urls:urls})})})}
d.addEventListener('pointerdown',function(e){if(!ok){ok=true;if(queued){var u=queued;queued=null;play(u)}}
var t=e.target.closest&&e.target.closest('a[href][data-prompt]');held=false;clearTimeout(timer);
if(t)timer=setTimeout(function(){held=true;if(t.dataset.label)play(t.dataset.label);else prompt(t.dataset.prompt)},500)},true);
['pointerup','pointercancel'].forEach(function(n){d.addEventListener(n,function(){clearTimeout(timer)},true)});
d.addEventListener('contextmenu',function(e){if(held)e.preventDefault()});
d.addEventListener('click',function(e){
if(held){held=false;e.preventDefault();return}  // she held it to hear it, not to go
var t=e.target.closest&&e.target.closest('[data-say],[data-prompt],[data-clips-all]');if(!t)return;
if(t.dataset.nameOf&&!t.dataset.heard){e.preventDefault();return named(t)}
if(t.hasAttribute('data-clips-all')){keep(true);prompt(t.dataset.prompt);return}
if(t.dataset.say){e.preventDefault();play(t.dataset.say);return}
if(t.matches('a[href]')){tapped();return}
prompt(t.dataset.prompt)});
d.addEventListener('submit',tapped);
d.addEventListener('kissi-say',function(e){prompt(e.detail)});
var auto=d.querySelector('[data-say][data-autoplay]'),arrived=false;
try{arrived=!!sessionStorage.getItem(TAP);sessionStorage.removeItem(TAP)}catch(x){}
if(auto)play(auto.dataset.say);
else if(arrived){var s=d.querySelector('header .say');if(s&&s.dataset.arrive)play(s.dataset.arrive);else if(s)prompt(s.dataset.prompt)}
keep(false);
if(!window.MediaRecorder)return;
[].forEach.call(d.querySelectorAll('[data-record]'),function(b){b.hidden=false;var rec=null,parts=[];
b.addEventListener('click',function(e){e.preventDefault();e.stopPropagation();
if(rec){rec.stop();return}
navigator.mediaDevices.getUserMedia({audio:true}).then(function(s){parts=[];rec=new MediaRecorder(s);b.textContent='⏹️';
rec.ondataavailable=function(x){parts.push(x.data)};
rec.onstop=function(){s.getTracks().forEach(function(t){t.stop()});var type=rec.mimeType||'audio/webm',f=new FormData(b.form);
f.set('audio',new Blob(parts,{type:type}),'recording.'+(type.indexOf('ogg')>=0?'ogg':type.indexOf('mp4')>=0?'m4a':'webm'));
fetch(b.form.action,{method:'POST',body:f,credentials:'same-origin'}).then(function(r){
if(r.redirected){location.href=r.url;return}r.text().then(function(t){d.open();d.write(t);d.close()})})};
rec.start();setTimeout(function(){if(rec&&rec.state=='recording')rec.stop()},14000)})})})});
