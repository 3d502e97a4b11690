import json, os, sys
os.environ['HF_HUB_OFFLINE'] = '1'
import transformers, tokenizers
from transformers import AutoTokenizer
print('transformers', transformers.__version__, 'tokenizers', tokenizers.__version__)
d = 'test/fixtures/tokenizers/qwen2-tiny'
tok = AutoTokenizer.from_pretrained(d)
print(type(tok).__name__)
raw = tokenizers.Tokenizer.from_file(d + '/tokenizer.json')
data = json.load(open('xcheck-tmp/cases.json'))
bad = 0
for i, c in enumerate(data['cases']):
    text = tok.apply_chat_template(c['prepared'], tools=c['tools'], add_generation_prompt=c['add_generation_prompt'], tokenize=False, **c['kwargs'])
    ids = tok.encode(text, add_special_tokens=False)
    ok_t, ok_i = text == c['text'], ids == c['ids']
    print('case', i, 'text', ok_t, 'ids', ok_i)
    if not ok_t: bad += 1; print(repr(text)); print(repr(c['text']))
    if not ok_i: bad += 1; print(ids); print(c['ids'])
for p in data['plain']:
    a = tok.encode(p['text'], add_special_tokens=False); b = raw.encode(p['text'], add_special_tokens=False).ids
    ok = a == p['ids'] and b == p['ids']
    print('plain', repr(p['text']), ok)
    if not ok: bad += 1; print(' hf', a, '\n raw', b, '\n js', p['ids'])
print('MISMATCHES', bad)
