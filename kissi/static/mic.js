/* Voice input: hold the mic to speak, let go to send (at most 10 s). The clip goes to the
   form's action; the answer (the confirmation page) replaces this page. Without this file
   or without MediaRecorder, the mic opens the phone's recorder and the arrow sends. */
(function(){var d=document;if(!window.MediaRecorder||!navigator.mediaDevices)return;
var types=['audio/webm;codecs=opus','audio/ogg;codecs=opus','audio/webm'],type=types.filter(function(t){return MediaRecorder.isTypeSupported(t)})[0];
if(!type)return;
[].forEach.call(d.querySelectorAll('form.mic'),function(f){var b=f.querySelector('.micb'),rec=null,parts=[],timer=0;
f.querySelector('input[type=file]').hidden=true;f.querySelector('button').hidden=true;
function send(){var data=new FormData(f),blob=new Blob(parts,{type:type});data.set('audio',blob,type.indexOf('ogg')>0?'c.ogg':'c.webm');
b.textContent='⏳';fetch(f.action,{method:'POST',body:data,credentials:'same-origin'}).then(function(r){
if(r.redirected){location.href=r.url;return}return r.text().then(function(h){d.open();d.write(h);d.close()})})}
function stop(){clearTimeout(timer);if(rec&&rec.state=='recording')rec.stop()}
b.addEventListener('click',function(e){e.preventDefault()});
b.addEventListener('pointerdown',function(e){e.preventDefault();if(rec)return;
navigator.mediaDevices.getUserMedia({audio:{channelCount:1,noiseSuppression:true}}).then(function(s){parts=[];
rec=new MediaRecorder(s,{mimeType:type,audioBitsPerSecond:24000});b.classList.add('on');
rec.ondataavailable=function(x){if(x.data.size)parts.push(x.data)};
rec.onstop=function(){s.getTracks().forEach(function(t){t.stop()});b.classList.remove('on');rec=null;if(parts.length)send()};
rec.start();timer=setTimeout(stop,9500)})});
['pointerup','pointerleave','pointercancel'].forEach(function(n){b.addEventListener(n,stop)})})})();
