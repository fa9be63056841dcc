it('b', () => expect(1).toBe(1));
