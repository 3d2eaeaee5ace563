/* Voice prompts: a tap on anything with data-prompt plays its clip in the page's language;
   [data-say] plays a sentence (autoplayed when marked so, once audio is unlocked by the
   first tap, as browsers require); [data-name-of] (a language button) says the language's
   name in that language, then does what it does; [data-record] records in the browser.
   The page works without this file: the icons and texts are all there. */
(function(r){document.readyState=='loading'?document.addEventListener('DOMContentLoaded',r):r()})(function(){var d=document,lang=d.documentElement.lang||'fr',clips=null,a=new Audio(),ok=false,queued=null;
function man(cb){if(clips)return cb();fetch('/voice/'+lang+'/manifest.json',{credentials:'same-origin'})
.then(function(r){return r.ok?r.json():{clips:{}}}).then(function(m){clips=m.clips||{};cb()}).catch(function(){clips={}})}
function play(u){if(!u)return;a.pause();a.src=u;var p=a.play();if(p&&p.catch)p.catch(function(){queued=u})}
function prompt(k){man(function(){var c=clips[k];if(c)play(c.url)})}
d.addEventListener('pointerdown',function(){if(!ok){ok=true;if(queued){var u=queued;queued=null;play(u)}}},true);
function named(b){var c=b.dataset.nameOf,done=false;function go(){if(done)return;done=true;b.dataset.heard=1;b.click()}
setTimeout(go,4000);fetch('/voice/'+c+'/manifest.json',{credentials:'same-origin'}).then(function(r){return r.json()}).then(function(m){
var u=m.clips&&m.clips['lang.name.'+c];if(!u)return go();a.onended=a.onerror=go;play(u.url)}).catch(go)}
d.addEventListener('click',function(e){var t=e.target.closest&&e.target.closest('[data-say],[data-prompt]');if(!t)return;
if(t.dataset.nameOf&&!t.dataset.heard){e.preventDefault();return named(t)}
if(t.dataset.say){e.preventDefault();play(t.dataset.say)}else prompt(t.dataset.prompt)});
var auto=d.querySelector('[data-say][data-autoplay]');if(auto)play(auto.dataset.say);man(function(){});
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
