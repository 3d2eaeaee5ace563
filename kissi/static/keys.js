/* Keypads in place: a key edits the field without a round trip (the page works without). */
(function(){var last={};
document.addEventListener('focusin',function(e){var i=e.target;if(i.classList&&i.classList.contains('kp-in')&&i.form)last[i.form.id||'f']=i});
document.addEventListener('click',function(e){var b=e.target.closest&&e.target.closest('button[name=kp],button[name=cash]'),w,f,i,v,t;
if(!b||!(w=b.closest('[data-for]')))return;f=b.form;i=(b.name=='kp'&&last[f.id||'f'])||f.elements[w.dataset.for];if(!i)return;
e.preventDefault();v=b.value;t=i.value;
if(b.name=='cash')i.value=v=='0'?'':String((parseInt(t,10)||0)+(+v));
else if(v=='<')i.value=t.slice(0,-1);else if(v=='c')i.value='';
else if(!(i.maxLength>0&&t.length>=i.maxLength))i.value=t+v;
i.dispatchEvent(new Event('input',{bubbles:true}))})})();
document.addEventListener('keydown',function(e){var i=e.target,g;if(e.key!='Enter'||!i.classList||!i.classList.contains('kp-in')||!i.form)return;
e.preventDefault();g=i.form.querySelector('.go');if(g)g.click()});
