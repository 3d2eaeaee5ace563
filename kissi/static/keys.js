/* Keypads in place: a key edits the field without a round trip (the page works without).
   A field with data-fresh shows a proposed value (the sale's 1) that the first key replaces.
   [data-rest] shows its total less the field named by data-of (the part paid now).
   A field with data-full (the login phone) takes keys until it holds that many digits
   (after a +225/00225-style country code), then the keys go to the keypad's own field. */
(function(){var last={};
function full(i){var n=i.dataset.full,d=i.value.replace(/\D/g,'');if(!n)return false;
if(/^\s*(\+|00)/.test(i.value))d=d.replace(/^(00)?\d{3}/,'');return d.length>=+n}
document.addEventListener('focusin',function(e){var i=e.target;if(i.classList&&i.classList.contains('kp-in')&&i.form){last[i.form.id||'f']=i;if(i.hasAttribute('data-fresh'))i.select()}});
document.addEventListener('click',function(e){var b=e.target.closest&&e.target.closest('button[name=kp],button[name=cash]'),w,f,i,v,t;
if(!b||!(w=b.closest('[data-for]')))return;f=b.form;i=(b.name=='kp'&&last[f.id||'f'])||f.elements[w.dataset.for];if(i&&full(i))i=f.elements[w.dataset.for];if(!i)return;
e.preventDefault();v=b.value;t=i.value;if(i.hasAttribute('data-fresh')){i.removeAttribute('data-fresh');t='';if(i.form.fresh)i.form.fresh.value=''}
if(b.name=='cash')i.value=v=='0'?'':String((parseInt(t,10)||0)+(+v));
else if(v=='<')i.value=t.slice(0,-1);else if(v=='c')i.value='';
else if(!(i.maxLength>0&&t.length>=i.maxLength))i.value=t+v;
i.dispatchEvent(new Event('input',{bubbles:true}))})})();
document.addEventListener('keydown',function(e){var i=e.target,g;if(e.key!='Enter'||!i.classList||!i.classList.contains('kp-in')||!i.form)return;
e.preventDefault();g=i.form.querySelector('.go');if(g)g.click()});
document.addEventListener('input',function(e){var i=e.target,r=i.form&&i.form.querySelector('[data-rest][data-of="'+i.name+'"]');
if(r)r.textContent=r.textContent.replace(/^[\d\s\u00a0\u202f.,]*\d/,Math.max(+r.dataset.rest-(parseInt(i.value,10)||0),0).toLocaleString('fr').replace(/\s/g,'\u00a0'))});
